-- Single-use card tokens (POST /v1/tokens, ADR 0026).
--
-- A token's card is vaulted at once as a payment method that nothing lists or returns (its id is never
-- given out; the token's card carries an id of its own, card_…), so the PAN is sealed by the vault exactly
-- as for any card and its CVC follows ADR 0024. The first use sets used_at by a conditional UPDATE — two
-- concurrent uses cannot both win — and hands that payment method over; a second use is refused
-- (token_already_used). Not a hot table: one insert and one update per token.
CREATE TABLE card_tokens (
  id                text PRIMARY KEY,
  merchant_id       text NOT NULL REFERENCES merchants (id),
  payment_method_id text NOT NULL UNIQUE REFERENCES payment_methods (id),
  card_id           text NOT NULL UNIQUE,
  client_ip         text,
  used_at           timestamptz,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
