-- The CVC shared by every instance until its first authorization (ADR 0024).
--
-- Sealed by the vault under a data key of its own (purpose card-cvc, never the PAN's key) with the expiry in
-- the AAD; inserted with its payment method, deleted by the first authorization (whatever its outcome), and
-- by the reaper once expired. Reads ignore expired rows, so a CVC is never used after its deadline even
-- before the reaper ran. Not a hot table: one insert and one delete per payment method that had a CVC.
CREATE TABLE payment_method_cvcs (
  payment_method_id text PRIMARY KEY REFERENCES payment_methods (id) ON DELETE CASCADE,
  merchant_id       text NOT NULL,
  ciphertext        bytea NOT NULL,
  iv                bytea NOT NULL,
  auth_tag          bytea NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  key_version       text NOT NULL,
  expires_at        timestamptz NOT NULL
);
CREATE INDEX payment_method_cvcs_expiry ON payment_method_cvcs (expires_at);

-- The latest charge's CVC check (Stripe's payment_method_details.card.checks.cvc_check): pass, fail,
-- unavailable, unchecked, or NULL when no CVC reached the acquirer. Written from the acquirer adapter's typed
-- result; no CHECK constraint, whose evaluation the payment statements would pay for on every insert.
ALTER TABLE payment_intents ADD COLUMN cvc_check text;

-- Balances kept with the postings (ADR 0024): GET /v1/balance reads a few rows per currency instead of
-- summing every posting. Each statement that inserts postings adds them to its connection's shard of each
-- account (shard = backend pid mod 16), in the same transaction: one merchant's concurrent payments update
-- different rows, so no balance row becomes the hot row ADR 0009 avoided. A balance is the sum of its
-- account's shards, and equals the sum of its postings (the ledger invariant tests and the benchmark check it).
CREATE TABLE ledger_balances (
  account_id  text NOT NULL,
  shard       smallint NOT NULL,
  merchant_id text NOT NULL,
  currency    text NOT NULL,
  kind        text NOT NULL,
  balance     bigint NOT NULL,
  PRIMARY KEY (account_id, shard)
);
CREATE INDEX ledger_balances_merchant ON ledger_balances (merchant_id);

INSERT INTO ledger_balances (account_id, shard, merchant_id, currency, kind, balance)
SELECT a.id, 0, a.merchant_id, a.currency, a.kind, coalesce(sum(p.amount), 0)
  FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
 GROUP BY a.id, a.merchant_id, a.currency, a.kind;
