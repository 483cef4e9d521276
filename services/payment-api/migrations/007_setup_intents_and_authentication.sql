-- SetupIntents and 3D Secure in the sandbox (issue 11, ADRs 0026 and 0027).
--
-- A SetupIntent saves a card for later payments: its confirmation verifies the card with the acquirer (an
-- authorization that is voided at once) and attaches it to the customer. Not a hot table.
CREATE TABLE setup_intents (
  id                  text PRIMARY KEY,
  merchant_id         text NOT NULL REFERENCES merchants (id),
  status              text NOT NULL CHECK (status IN ('requires_payment_method', 'requires_confirmation',
                        'requires_action', 'processing', 'canceled', 'succeeded')),
  usage               text NOT NULL CHECK (usage IN ('on_session', 'off_session')),
  customer_id         text REFERENCES customers (id),
  payment_method_id   text REFERENCES payment_methods (id),
  client_secret       text NOT NULL,
  description         text,
  metadata            jsonb NOT NULL DEFAULT '{}',
  last_setup_error    jsonb,
  cancellation_reason text,
  created_at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX setup_intents_list ON setup_intents (merchant_id, created_at DESC, id DESC);
CREATE INDEX setup_intents_customer ON setup_intents (merchant_id, customer_id, created_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;

-- 3D Secure of a payment intent (ADR 0027): a confirmation whose card the issuer wants authenticated moves
-- the intent to requires_action with a challenge page; `authentication` is pending, then succeeded or
-- failed. authentication_challenge names the challenge (the confirming attempt); the page's capability is an
-- HMAC of it under a service key, so no secret is stored. authentication_url is the page as next_action
-- gives it, return_url where the page sends the cardholder back. NULL for every payment without a challenge.
ALTER TABLE payment_intents
  ADD COLUMN authentication text,
  ADD COLUMN authentication_challenge text,
  ADD COLUMN authentication_url text,
  ADD COLUMN return_url text;
