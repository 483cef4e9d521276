-- Charges, processing fees and balance transactions (issue 11, ADR 0028).
--
-- Fee schedule per merchant: a percentage in basis points plus a fixed amount in the charge currency's minor
-- unit, charged on every captured amount. The defaults are Stripe's public US card rate (2.9 % + 30¢), so
-- every existing and new merchant starts there; an operator changes them per merchant.
ALTER TABLE merchants
  ADD COLUMN fee_percent_bps integer NOT NULL DEFAULT 290 CHECK (fee_percent_bps BETWEEN 0 AND 10000),
  ADD COLUMN fee_fixed_amount bigint NOT NULL DEFAULT 30 CHECK (fee_fixed_amount BETWEEN 0 AND 99999999);

-- The fee is posted in the capturing ledger transaction itself (sale or capture): merchant_available is
-- debited by the fee and the platform's processing_fees account credited, so one ledger transaction is one
-- balance transaction (amount, fee and net are its postings) and the ledger stays balanced.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN ('cardholder_holds',
  'merchant_pending', 'acquirer_receivable', 'merchant_available', 'processing_fees'));

-- GET /v1/balance_transactions: the merchant's money-moving ledger transactions, newest first.
CREATE INDEX ledger_transactions_balance ON ledger_transactions (merchant_id, created_at DESC, id DESC)
  WHERE kind IN ('sale', 'capture', 'refund');
CREATE INDEX ledger_transactions_refund ON ledger_transactions (refund_id) WHERE refund_id IS NOT NULL;

-- GET /v1/charges: a charge is its payment intent's latest charge (ADR 0028); its id starts with its time,
-- so the C-collated id orders charges by creation.
CREATE INDEX payment_intents_charges ON payment_intents (merchant_id, latest_charge COLLATE "C" DESC)
  WHERE latest_charge IS NOT NULL;

-- GET /v1/refunds?charge=…
CREATE INDEX refunds_charge ON refunds (charge);
