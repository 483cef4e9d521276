-- Recorded attempts and recovery points around the acquirer call (ADR 0023).
--
-- idempotency_keys.attempt: the id every object id (pi_/ch_/re_) and acquirer reference of the request
--   derives from, chosen when the key is first claimed and kept across retries and take-overs.
-- idempotency_keys.recovery_point: 'started' when claimed; 'acquirer_called' once a run failed after the
--   acquirer may have acted — from then on the key is never released, only resumed.
-- idempotency_keys.resume: what the completer needs to finish the request without its client (operation,
--   parsed input, who asked); only requests that call the acquirer have one, none holds card data, and it
--   is cleared when the key completes.
-- payment_intents.pending_attempt: the attempt that is changing the intent (confirm, capture, cancel,
--   refund). Set before the acquirer call, cleared by the transaction that records its result; while set,
--   other attempts wait (lock_timeout), so a request under another key can never act on an intent whose
--   acquirer state is ahead of its database row.
ALTER TABLE idempotency_keys
  ADD COLUMN attempt text,
  ADD COLUMN recovery_point text NOT NULL DEFAULT 'started' CHECK (recovery_point IN ('started', 'acquirer_called')),
  ADD COLUMN resume jsonb;

-- The completer's work list: requests that may have reached the acquirer and have not completed.
CREATE INDEX idempotency_keys_unfinished ON idempotency_keys (locked_at)
  WHERE state = 'in_flight' AND resume IS NOT NULL;

ALTER TABLE payment_intents ADD COLUMN pending_attempt text;
