-- Settlement (issue 13, ADR 0032): captured funds stay pending until their available_on date, then a daily
-- settlement run makes them available.
--
-- A sale or capture now credits merchant_settling (net of its fee) instead of merchant_available, and records
-- the UTC date its funds become available: the capture's UTC day plus SETTLEMENT_DELAY_DAYS (Stripe's day
-- starts at 00:00 UTC). Rows from before this migration keep available_on NULL: they credited
-- merchant_available at capture and are available since their creation.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN ('cardholder_holds',
  'merchant_pending', 'acquirer_receivable', 'merchant_available', 'processing_fees', 'merchant_settling'));

ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN ('authorization',
  'capture', 'sale', 'release', 'refund', 'settlement'));
ALTER TABLE ledger_transactions ADD COLUMN available_on date;

-- What the settlement runs look for: a merchant's sales and captures by the date they become available. Runs
-- look back a bounded window (31 days), so their cost does not grow with the merchant's history.
CREATE INDEX ledger_transactions_available_on ON ledger_transactions (merchant_id, available_on)
  WHERE available_on IS NOT NULL;

-- One run per merchant, date and currency: re-running a day (or two runs at once) finds its row and changes
-- nothing. transaction_id is the run's settlement ledger transaction (NULL when the settled net is zero).
CREATE TABLE settlement_runs (
  id             text PRIMARY KEY,
  merchant_id    text NOT NULL,
  settlement_date date NOT NULL,
  currency       text NOT NULL,
  transaction_id text REFERENCES ledger_transactions (id),
  count          integer NOT NULL CHECK (count >= 0),
  amount         bigint NOT NULL,
  fee            bigint NOT NULL,
  net            bigint NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (merchant_id, settlement_date, currency)
);

-- Which run settled each balance transaction: a balance transaction is settled at most once (primary key),
-- and its status is `available` from then on.
CREATE TABLE settlement_transactions (
  balance_transaction_id text PRIMARY KEY REFERENCES ledger_transactions (id),
  run_id                 text NOT NULL REFERENCES settlement_runs (id)
);
CREATE INDEX settlement_transactions_run ON settlement_transactions (run_id);

CREATE TRIGGER settlement_runs_append_only BEFORE UPDATE OR DELETE ON settlement_runs
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER settlement_transactions_append_only BEFORE UPDATE OR DELETE ON settlement_transactions
  FOR EACH ROW EXECUTE FUNCTION refuse_modification();
