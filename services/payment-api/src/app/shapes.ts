import { CANCELLATION_REASONS, PAYMENT_INTENT_STATUSES } from '../domain/payment-intent.js';

/**
 * The one place that lists the fields of every Stripe object this API returns, each with the JSON Schema of
 * its value. The serializers render objects through these shapes (every field present, `null` when unset)
 * and /openapi.json documents the same shapes, so neither can drift from the other; the lists follow the
 * official SDK's TypeScript declarations and are checked against Stripe's published OpenAPI definitions
 * (test/app/shapes.test.ts). Fields for features this API does not have (Connect, reviews, transfers, …)
 * are present and always null, as Stripe returns them for an account that does not use them.
 */
export type JsonSchema = Readonly<Record<string, unknown>>;
type Fields = Readonly<Record<string, JsonSchema>>;

export interface Shape<F extends Fields> {
  readonly fields: F;
  /** The object with every field of the shape, in order: the given value, or null when none was given. */
  render(values: { readonly [K in keyof F]?: unknown }): { [K in keyof F]: unknown };
  /** The JSON Schema of the object: every field required, no other allowed. */
  readonly schema: JsonSchema;
}

export function shape<F extends Fields>(fields: F): Shape<F> {
  const names = Object.keys(fields) as (keyof F & string)[];
  return {
    fields,
    render(values) {
      const out: Record<string, unknown> = {};
      for (const name of names) out[name] = values[name] ?? null;
      return out as { [K in keyof F]: unknown };
    },
    schema: { type: 'object', required: names, additionalProperties: false, properties: fields },
  };
}

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const string: JsonSchema = { type: 'string' };
const integer: JsonSchema = { type: 'integer' };
const boolean: JsonSchema = { type: 'boolean' };
/** A field of a feature this API does not implement: always null. */
const none: JsonSchema = { type: 'null' };
const id = (prefix: string): JsonSchema => ({ type: 'string', pattern: `^${prefix}_` });
const metadata: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 500 },
  maxProperties: 50,
};
/** An id, or the object itself when the request expanded the field. */
const expandable = (prefix: string, object: string): JsonSchema => ({ anyOf: [id(prefix), ref(object)] });
const nested = <F extends Fields>(fields: F): JsonSchema => shape(fields).schema;

export const CVC_CHECKS = ['pass', 'fail', 'unavailable', 'unchecked'] as const;

export const address = shape({
  city: nullable(string),
  country: nullable(string),
  line1: nullable(string),
  line2: nullable(string),
  postal_code: nullable(string),
  state: nullable(string),
});

export const billingDetails = shape({
  address: nullable(ref('Address')),
  email: nullable(string),
  name: nullable(string),
  phone: nullable(string),
  tax_id: nullable(string),
});

export const cardChecks = shape({
  address_line1_check: nullable({ enum: CVC_CHECKS }),
  address_postal_code_check: nullable({ enum: CVC_CHECKS }),
  cvc_check: nullable({ enum: CVC_CHECKS }),
});

const brand: JsonSchema = { type: 'string' };
const last4: JsonSchema = { type: 'string', pattern: '^[0-9]{4}$' };
const expMonth: JsonSchema = { type: 'integer', minimum: 1, maximum: 12 };
const funding: JsonSchema = { enum: ['credit', 'debit', 'prepaid', 'unknown'] };

export const paymentMethodCard = shape({
  brand,
  checks: nullable(ref('CardChecks')),
  country: nullable(string),
  display_brand: nullable(string),
  exp_month: expMonth,
  exp_year: integer,
  fingerprint: string,
  funding,
  generated_from: none,
  last4,
  networks: nullable(nested({ available: { type: 'array', items: string }, preferred: nullable(string) })),
  regulated_status: nullable({ enum: ['regulated', 'unregulated'] }),
  three_d_secure_usage: nullable(nested({ supported: boolean })),
  wallet: none,
});

export const paymentMethod = shape({
  id: id('pm'),
  object: { const: 'payment_method' },
  billing_details: ref('BillingDetails'),
  card: ref('PaymentMethodCard'),
  created: integer,
  customer: nullable(id('cus')),
  customer_account: none,
  livemode: boolean,
  metadata,
  type: { const: 'card' },
});

/** A pending 3D Secure challenge (ADR 0027): Stripe's `redirect_to_url` next action. */
export const redirectToUrl = shape({
  type: { const: 'redirect_to_url' },
  redirect_to_url: nested({ url: string, return_url: nullable(string) }),
});

export const paymentIntent = shape({
  id: id('pi'),
  object: { const: 'payment_intent' },
  allowed_payment_method_types: none,
  amount: integer,
  amount_capturable: integer,
  amount_received: integer,
  application: none,
  application_fee_amount: none,
  automatic_payment_methods: nullable(
    nested({ allow_redirects: { enum: ['always', 'never'] }, enabled: boolean }),
  ),
  canceled_at: nullable(integer),
  cancellation_reason: { enum: [...CANCELLATION_REASONS, null] },
  capture_method: { enum: ['automatic', 'manual'] },
  client_secret: string,
  confirmation_method: { enum: ['automatic', 'manual'] },
  created: integer,
  currency: string,
  customer: nullable(expandable('cus', 'Customer')),
  customer_account: none,
  description: nullable(string),
  excluded_payment_method_types: none,
  last_payment_error: nullable(ref('PaymentError')),
  latest_charge: nullable(expandable('ch', 'Charge')),
  livemode: boolean,
  managed_payments: none,
  metadata,
  next_action: nullable(ref('RedirectToUrl')),
  on_behalf_of: none,
  payment_method: nullable(expandable('pm', 'PaymentMethod')),
  payment_method_configuration_details: none,
  payment_method_options: nullable(
    nested({
      card: nested({
        capture_method: nullable({ const: 'manual' }),
        request_three_d_secure: { enum: ['any', 'automatic', 'challenge'] },
      }),
    }),
  ),
  payment_method_types: { type: 'array', items: { const: 'card' } },
  payment_record: none,
  processing: none,
  receipt_email: nullable(string),
  review: none,
  setup_future_usage: nullable({ enum: ['off_session', 'on_session'] }),
  shipping: nullable(ref('Shipping')),
  source: none,
  statement_descriptor: nullable(string),
  statement_descriptor_suffix: nullable(string),
  status: { enum: PAYMENT_INTENT_STATUSES },
  transfer_data: none,
  transfer_group: none,
});

export const shipping = shape({
  address: ref('Address'),
  carrier: nullable(string),
  name: string,
  phone: nullable(string),
  tracking_number: nullable(string),
});

export const refund = shape({
  id: id('re'),
  object: { const: 'refund' },
  amount: integer,
  balance_transaction: nullable(id('txn')),
  charge: id('ch'),
  created: integer,
  currency: string,
  customer: nullable(string),
  customer_account: none,
  metadata,
  payment_intent: id('pi'),
  payment_method: nullable(id('pm')),
  reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer', null] },
  receipt_number: none,
  source_transfer_reversal: none,
  status: { enum: ['pending', 'succeeded', 'failed', 'canceled'] },
  transfer_reversal: none,
});

export const chargeOutcome = shape({
  advice_code: none,
  network_advice_code: none,
  network_decline_code: nullable(string),
  network_status: { enum: ['approved_by_network', 'declined_by_network'] },
  reason: nullable(string),
  risk_level: { const: 'normal' },
  seller_message: string,
  type: { enum: ['authorized', 'issuer_declined'] },
});

export const chargeCard = shape({
  amount_authorized: nullable(integer),
  authorization_code: none,
  brand,
  checks: ref('CardChecks'),
  country: nullable(string),
  electronic_commerce_indicator: none,
  exp_month: expMonth,
  exp_year: integer,
  fingerprint: string,
  funding,
  installments: none,
  last4,
  mandate: none,
  network: string,
  network_transaction_id: none,
  regulated_status: nullable({ enum: ['regulated', 'unregulated'] }),
  three_d_secure: none,
  transaction_link_id: none,
  wallet: none,
});

export const charge = shape({
  id: id('ch'),
  object: { const: 'charge' },
  amount: integer,
  amount_captured: integer,
  amount_refunded: integer,
  application: none,
  application_fee: none,
  application_fee_amount: none,
  balance_transaction: nullable(id('txn')),
  billing_details: ref('BillingDetails'),
  calculated_statement_descriptor: nullable(string),
  captured: boolean,
  created: integer,
  currency: string,
  customer: nullable(string),
  description: nullable(string),
  disputed: boolean,
  failure_balance_transaction: none,
  failure_code: nullable(string),
  failure_message: nullable(string),
  fraud_details: nested({}),
  livemode: boolean,
  metadata,
  on_behalf_of: none,
  outcome: ref('ChargeOutcome'),
  paid: boolean,
  payment_intent: id('pi'),
  payment_method: id('pm'),
  payment_method_details: nested({ card: ref('ChargeCard'), type: { const: 'card' } }),
  receipt_email: nullable(string),
  receipt_number: none,
  receipt_url: none,
  refunded: boolean,
  review: none,
  shipping: nullable(ref('Shipping')),
  source: none,
  source_transfer: none,
  statement_descriptor: nullable(string),
  statement_descriptor_suffix: nullable(string),
  status: { enum: ['succeeded', 'pending', 'failed'] },
  transfer_data: none,
  transfer_group: none,
});

export const feeDetail = shape({
  amount: integer,
  application: none,
  currency: string,
  description: string,
  type: { const: 'stripe_fee' },
});

export const balanceTransaction = shape({
  id: id('txn'),
  object: { const: 'balance_transaction' },
  amount: integer,
  available_on: integer,
  balance_type: { const: 'payments' },
  created: integer,
  currency: string,
  description: nullable(string),
  exchange_rate: none,
  fee: integer,
  fee_details: { type: 'array', items: ref('FeeDetail') },
  net: integer,
  reporting_category: { enum: ['charge', 'refund'] },
  source: { anyOf: [id('ch'), id('re')] },
  status: { enum: ['available', 'pending'] },
  type: { enum: ['charge', 'refund'] },
});

/** The component schemas of /openapi.json that the shapes define, by name. */
export const SHAPE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Address: address.schema,
  BillingDetails: billingDetails.schema,
  CardChecks: cardChecks.schema,
  PaymentMethodCard: paymentMethodCard.schema,
  PaymentMethod: paymentMethod.schema,
  PaymentIntent: paymentIntent.schema,
  RedirectToUrl: redirectToUrl.schema,
  Shipping: shipping.schema,
  Refund: refund.schema,
  ChargeOutcome: chargeOutcome.schema,
  ChargeCard: chargeCard.schema,
  Charge: charge.schema,
  FeeDetail: feeDetail.schema,
  BalanceTransaction: balanceTransaction.schema,
};
