-- Customers and saved cards (issue 11, ADR 0026).
--
-- A customer is deleted softly: Stripe answers a retrieve of a deleted customer with its deleted stub, so the
-- row stays with deleted_at set and its personal fields cleared. Its payment methods are detached by the same
-- transaction. payment_methods.customer_id is the attachment; detached_at makes a detach final (Stripe refuses
-- to attach or charge a detached payment method again). billing_details is Stripe's object as given.
CREATE TABLE customers (
  id          text PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  email       text,
  name        text,
  phone       text,
  description text,
  address     jsonb,
  metadata    jsonb NOT NULL DEFAULT '{}',
  invoice_prefix text NOT NULL,
  deleted_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX customers_list ON customers (merchant_id, created_at DESC, id DESC);
CREATE INDEX customers_email ON customers (merchant_id, email, created_at DESC, id DESC) WHERE deleted_at IS NULL;

ALTER TABLE payment_methods
  ADD COLUMN customer_id text REFERENCES customers (id),
  ADD COLUMN detached_at timestamptz,
  ADD COLUMN billing_details jsonb NOT NULL
    DEFAULT '{"address": null, "email": null, "name": null, "phone": null}';
CREATE INDEX payment_methods_customer ON payment_methods (customer_id, created_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;

-- The customer a payment intent is for (no foreign key: payment_intents is written by every payment, and a
-- key check would lock the customer's row; the application checks the customer before it writes), and
-- Stripe's setup_future_usage (the card is attached to the customer once the payment succeeds); no CHECK
-- constraint, as for cvc_check (004): the value comes from the parsed enumeration.
ALTER TABLE payment_intents
  ADD COLUMN customer_id text,
  ADD COLUMN setup_future_usage text;
CREATE INDEX payment_intents_customer ON payment_intents (merchant_id, customer_id, created_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;
