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
