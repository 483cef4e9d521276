-- Tessera payment API: initial schema.
-- Amounts are integer minor units (bigint). Object ids are Stripe-style strings (pi_…, pm_…: time prefix +
-- random), so no table depends on a global sequence. Card data is stored only as vault ciphertext; PAN and
-- CVC never are.
-- Foreign keys: the tables written by every payment (payment_intents, ledger_*, outbox, audit_log,
-- idempotency_keys) carry merchant_id without a foreign key to merchants, and postings carry account_id
-- without one to ledger_accounts. A foreign key check takes a KEY SHARE lock on the referenced row; with many
-- concurrent payments of one merchant those locks pile up on the merchant's row (MultiXacts) — a hidden hot
-- row. Merchants and accounts are never deleted, and every query is scoped by the authenticated merchant.

CREATE TABLE merchants (
  id          text PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Secret API keys are stored only as HMAC-SHA-256 under a subkey derived (HKDF) from SERVICE_HMAC_KEY.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  key_hash    bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  key_hint    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

CREATE TABLE payment_methods (
  id               text PRIMARY KEY,
  merchant_id      text NOT NULL REFERENCES merchants (id),
  brand            text NOT NULL,
  last4            text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month        smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year         smallint NOT NULL,
  fingerprint      text NOT NULL,
  ciphertext       bytea NOT NULL,
  iv               bytea NOT NULL,
  auth_tag         bytea NOT NULL,
  wrapped_data_key bytea NOT NULL,
  key_version      text NOT NULL,
  metadata         jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payment_methods_fingerprint ON payment_methods (merchant_id, fingerprint);

CREATE TABLE payment_intents (
  id                  text PRIMARY KEY,
  merchant_id         text NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL,
  status              text NOT NULL CHECK (status IN ('requires_payment_method', 'requires_confirmation',
                        'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled')),
  capture_method      text NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
  payment_method_id   text,
  amount_capturable   bigint NOT NULL DEFAULT 0 CHECK (amount_capturable >= 0 AND amount_capturable <= amount),
  amount_received     bigint NOT NULL DEFAULT 0 CHECK (amount_received >= 0 AND amount_received <= amount),
  amount_refunded     bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0 AND amount_refunded <= amount_received),
  latest_charge       text,
  authorization_id    text,
  client_secret       text NOT NULL,
  description         text,
  metadata            jsonb NOT NULL DEFAULT '{}',
  last_payment_error  jsonb,
  cancellation_reason text,
  canceled_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payment_intents_list ON payment_intents (merchant_id, created_at DESC, id DESC);

CREATE TABLE refunds (
  id                text PRIMARY KEY,
  merchant_id       text NOT NULL,
  payment_intent_id text NOT NULL REFERENCES payment_intents (id),
  charge            text NOT NULL,
  amount            bigint NOT NULL CHECK (amount > 0),
  currency          text NOT NULL,
  status            text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
  reason            text,
  metadata          jsonb NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX refunds_list ON refunds (merchant_id, created_at DESC, id DESC);
CREATE INDEX refunds_payment_intent ON refunds (payment_intent_id);

-- Generic guard for insert-only tables.
CREATE FUNCTION refuse_modification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Double-entry ledger. Balances are sums of insert-only postings; no balance row is updated per payment.
CREATE TABLE ledger_accounts (
  id          text PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  currency    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('cardholder_holds', 'merchant_pending', 'acquirer_receivable',
                'merchant_available')),
  UNIQUE (merchant_id, currency, kind)
);

CREATE TABLE ledger_transactions (
  id                text PRIMARY KEY,
  merchant_id       text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('authorization', 'capture', 'sale', 'release', 'refund')),
  currency          text NOT NULL,
  payment_intent_id text REFERENCES payment_intents (id),
  refund_id         text REFERENCES refunds (id),
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ledger_transactions_payment_intent ON ledger_transactions (payment_intent_id);

CREATE TABLE ledger_postings (
  transaction_id text NOT NULL REFERENCES ledger_transactions (id),
  leg            smallint NOT NULL,
  account_id     text NOT NULL,
  amount         bigint NOT NULL CHECK (amount <> 0),
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (transaction_id, leg)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id) INCLUDE (amount);

-- Every ledger transaction must balance when its database transaction commits.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM ledger_postings WHERE transaction_id = NEW.transaction_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();

-- Audit log (PCI DSS 10.2): who (actor), what (action), when (occurred_at), where from (source_ip),
-- outcome, affected object. Append-only, and hash-chained per merchant (chain_id) in audit_chain.
-- Chaining is asynchronous, as Formance does for its log hashes: a request only inserts its records (and a
-- queue row), and audit_seal() — run every second by the service — links queued records into their chain.
-- So no payment ever waits on a chain head, and the chain stays strictly sequential per merchant.
CREATE TABLE audit_log (
  id          text PRIMARY KEY,
  chain_id    text NOT NULL,
  merchant_id text,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor       text NOT NULL,
  action      text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('success', 'failure')),
  object_type text,
  object_id   text,
  source_ip   text,
  request_id  text,
  details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (object_id);

-- Records waiting to be chained (filled by trigger, drained by audit_seal()).
CREATE TABLE audit_unsealed (
  audit_id  text PRIMARY KEY REFERENCES audit_log (id),
  chain_id  text NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE audit_chain_heads (
  chain_id text PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     bytea NOT NULL
);

CREATE TABLE audit_chain (
  chain_id  text NOT NULL,
  seq       bigint NOT NULL,
  audit_id  text NOT NULL UNIQUE REFERENCES audit_log (id),
  prev_hash bytea NOT NULL,
  hash      bytea NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (chain_id, seq)
);

CREATE FUNCTION audit_row_hash(prev bytea, seq bigint, r audit_log) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(prev || convert_to(concat_ws(E'\x1f',
    r.chain_id, seq::text, r.id, coalesce(r.merchant_id, ''),
    to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.actor, r.action, r.outcome, coalesce(r.object_type, ''), coalesce(r.object_id, ''),
    coalesce(r.source_ip, ''), coalesce(r.request_id, ''), r.details::text), 'UTF8'))
$$;

CREATE FUNCTION audit_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_unsealed (audit_id, chain_id) VALUES (NEW.id, NEW.chain_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_log_enqueue AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_enqueue();

-- Chains up to max_rows queued records, in queue order per chain; safe to run from several processes at once
-- (queue rows are claimed with SKIP LOCKED, and each chain head is locked while it is extended).
CREATE FUNCTION audit_seal(max_rows integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  q record;
  rec audit_log%ROWTYPE;
  head audit_chain_heads%ROWTYPE;
  next_hash bytea;
  sealed integer := 0;
BEGIN
  FOR q IN
    SELECT u.audit_id, u.chain_id FROM audit_unsealed u
     ORDER BY u.chain_id, u.queued_at, u.audit_id
     LIMIT max_rows FOR UPDATE SKIP LOCKED
  LOOP
    INSERT INTO audit_chain_heads (chain_id, seq, hash)
      VALUES (q.chain_id, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
      ON CONFLICT (chain_id) DO NOTHING;
    SELECT * INTO head FROM audit_chain_heads WHERE chain_id = q.chain_id FOR UPDATE;
    SELECT * INTO rec FROM audit_log WHERE id = q.audit_id;
    next_hash := audit_row_hash(head.hash, head.seq + 1, rec);
    INSERT INTO audit_chain (chain_id, seq, audit_id, prev_hash, hash)
      VALUES (q.chain_id, head.seq + 1, q.audit_id, head.hash, next_hash);
    UPDATE audit_chain_heads SET seq = head.seq + 1, hash = next_hash WHERE chain_id = q.chain_id;
    DELETE FROM audit_unsealed WHERE audit_id = q.audit_id;
    sealed := sealed + 1;
  END LOOP;
  RETURN sealed;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_modification();

-- Transactional outbox: one row per database transaction holding its Stripe-shaped events (a JSON array, in
-- order), written in the same transaction as the state change; the relay publishes each event.
CREATE TABLE outbox (
  id           text PRIMARY KEY,
  merchant_id  text NOT NULL,
  events       jsonb NOT NULL CHECK (jsonb_typeof(events) = 'array' AND jsonb_array_length(events) > 0),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

-- Idempotency keys: a keyed hash of the canonical request, never the raw body (it may hold a PAN).
CREATE TABLE idempotency_keys (
  merchant_id     text NOT NULL,
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash    text NOT NULL,
  method          text NOT NULL,
  path            text NOT NULL,
  state           text NOT NULL CHECK (state IN ('in_flight', 'completed')),
  locked_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  completed_at    timestamptz,
  PRIMARY KEY (merchant_id, key),
  CHECK (state = 'in_flight' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
