import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as shapes from '../../src/app/shapes.js';
import { CARDS, startTestServer, type TestServer } from '../support/server.js';
import { sdkAlwaysPresent } from '../support/sdk-types.js';
import { cardParams, stripeClient } from '../support/stripe-client.js';

/**
 * The objects the API returns, checked against two references: Stripe's published OpenAPI definition of
 * each object (test/fixtures/stripe-schemas.json: types, nullability, enums and required fields, extracted
 * by scripts/stripe-schemas.ts with its source) and the official SDK's TypeScript declarations (every
 * field declared without `?` must be present). Real responses of a real server are what is checked.
 */
interface Fixture {
  readonly source: { repo: string; commit: string; path: string; committed: string; apiVersion: string };
  readonly definitions: Record<string, object>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/stripe-schemas.json', import.meta.url), 'utf8'),
) as Fixture;
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema({ $id: 'stripe', definitions: fixture.definitions });
const stripeSchema = (name: string): ValidateFunction => ajv.compile({ $ref: `stripe#/definitions/${name}` });

let server: TestServer;
let stripe: Stripe;
const objects: Record<string, Record<string, unknown>[]> = {};
const keep = (name: string, ...found: unknown[]) =>
  (objects[name] ??= []).push(...(found as Record<string, unknown>[]));

beforeAll(async () => {
  server = await startTestServer({ fees: 'stripe' });
  stripe = stripeClient(server);
  const pm = await stripe.paymentMethods.create(cardParams(CARDS.visa));
  const declinedPm = await stripe.paymentMethods.create(cardParams(CARDS.declined));
  const open = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' });
  const paid = await stripe.paymentIntents.create({
    amount: 2_000,
    currency: 'eur',
    payment_method: pm.id,
    confirm: true,
    metadata: { order: '1' },
  });
  const held = await stripe.paymentIntents.create({
    amount: 3_000,
    currency: 'usd',
    payment_method: pm.id,
    confirm: true,
    capture_method: 'manual',
  });
  const declined = (await stripe.paymentIntents
    .create({ amount: 500, currency: 'usd', payment_method: declinedPm.id, confirm: true })
    .catch(
      (e: { raw: { payment_intent: Stripe.PaymentIntent } }) => e.raw.payment_intent,
    )) as Stripe.PaymentIntent;
  const canceled = await stripe.paymentIntents.cancel(held.id);
  // the customers' fields: a saved card with billing details, an intent for a customer, a 3D Secure challenge
  const customer = await stripe.customers.create({ email: 'ada@example.com' });
  const saved = await stripe.paymentMethods.attach(
    (
      await stripe.paymentMethods.create({
        ...cardParams(CARDS.visa),
        billing_details: { name: 'Ada', address: { country: 'GB', postal_code: 'N1' } },
      })
    ).id,
    { customer: customer.id },
  );
  const forCustomer = await stripe.paymentIntents.create({
    amount: 1_500,
    currency: 'usd',
    customer: customer.id,
    payment_method: saved.id,
    setup_future_usage: 'off_session',
    confirm: true,
  });
  const challenged = await stripe.paymentIntents.create({
    amount: 1_500,
    currency: 'usd',
    payment_method: 'pm_card_threeDSecure2Required',
    confirm: true,
    return_url: 'https://shop.example/done',
  });
  expect([challenged.status, challenged.next_action?.type]).toEqual(['requires_action', 'redirect_to_url']);
  expect([forCustomer.customer, saved.customer]).toEqual([customer.id, customer.id]);
  const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 500 });
  keep('payment_method', pm, declinedPm, saved, await stripe.paymentMethods.retrieve(pm.id));
  keep(
    'payment_intent',
    open,
    paid,
    held,
    declined,
    canceled,
    forCustomer,
    challenged,
    ...(await stripe.paymentIntents.list()).data,
  );
  keep('refund', refund, ...(await stripe.refunds.list()).data);
  keep('charge', ...(await stripe.charges.list()).data);
  keep('balance_transaction', ...(await stripe.balanceTransactions.list()).data);
  keep('payment_method_card', ...(objects.payment_method ?? []).map((p) => p.card));
}, 120_000);
afterAll(async () => server?.close());

const OBJECTS: [string, string, string][] = [
  ['payment_intent', 'PaymentIntents', 'PaymentIntent'],
  ['payment_method', 'PaymentMethods', 'PaymentMethod'],
  ['payment_method_card', 'PaymentMethods', 'PaymentMethod.Card'],
  ['refund', 'Refunds', 'Refund'],
  ['charge', 'Charges', 'Charge'],
  ['balance_transaction', 'BalanceTransactions', 'BalanceTransaction'],
];

describe('Stripe object shapes', () => {
  it('the fixture names its source: the repository, commit, path and date of the OpenAPI definition', () => {
    expect(fixture.source).toMatchObject({ repo: 'stripe/openapi', path: 'openapi/spec3.yaml' });
    expect(fixture.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isNaN(Date.parse(fixture.source.committed))).toBe(false);
  });

  it.each(OBJECTS)('every %s returned matches Stripe’s published OpenAPI definition', (name) => {
    const validate = stripeSchema(name);
    const found = objects[name] ?? [];
    expect(found.length).toBeGreaterThan(0);
    for (const object of found) {
      expect(validate(object), `${name} ${String(object.id)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it.each(OBJECTS)('every %s carries each field the SDK declares always present', (name, file, type) => {
    const required = sdkAlwaysPresent(file, type);
    expect(required.length).toBeGreaterThan(4);
    for (const object of objects[name] ?? []) {
      expect(required.filter((field) => !(field in object))).toEqual([]);
    }
  });

  it('the charge’s card and its checks carry every field the SDK declares always present', () => {
    const card = sdkAlwaysPresent('Charges', 'Charge.PaymentMethodDetails.Card');
    const checks = sdkAlwaysPresent('Charges', 'Charge.PaymentMethodDetails.Card.Checks');
    for (const charge of objects.charge ?? []) {
      const details = (charge.payment_method_details as { card: Record<string, unknown> }).card;
      expect(card.filter((f) => !(f in details))).toEqual([]);
      expect(checks.filter((f) => !(f in (details.checks as object)))).toEqual([]);
    }
  });

  it('a shape renders every field, null when no value is given, and its schema requires them all', () => {
    const rendered = shapes.refund.render({ id: 're_1', amount: 5 });
    expect(Object.keys(rendered)).toEqual(Object.keys(shapes.refund.fields));
    expect(rendered).toMatchObject({ id: 're_1', amount: 5, charge: null, metadata: null });
    expect(shapes.refund.schema).toMatchObject({
      required: Object.keys(shapes.refund.fields),
      additionalProperties: false,
    });
  });

  it('the fixture rejects a drifted object: a missing required field or a wrong type fails', () => {
    const validate = stripeSchema('charge');
    const charge = objects.charge?.[0] as Record<string, unknown>;
    const { amount_captured: _dropped, ...missing } = charge;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...charge, paid: 'yes' })).toBe(false);
    expect(validate({ ...charge, status: 'approved' })).toBe(false);
  });
});
