-- The descriptive fields of a payment intent (issue 11): receipt_email, shipping, statement_descriptor,
-- statement_descriptor_suffix, automatic_payment_methods, return_url. None moves money or is searched, so
-- they share one jsonb object (field name → value, absent when unset) instead of six columns the payment
-- statements would each carry; the API validates every field before it is written.
ALTER TABLE payment_intents ADD COLUMN details jsonb NOT NULL DEFAULT '{}';
