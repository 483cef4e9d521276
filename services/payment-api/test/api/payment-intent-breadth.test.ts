import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkBackends } from '../support/backends.js';
import { CARDS, type TestServer } from '../support/server.js';
import { cardParams, stripeClient } from '../support/stripe-client.js';

/** PaymentIntent update, expand[], created filters, descriptive fields and minimum amounts, via the SDK. */
const backends = sdkBackends('breadth');

describe.each(backends)('PaymentIntents through the SDK (%s)', (_name, start) => {
  let server: TestServer;
  let close: () => Promise<void>;
  let stripe: Stripe;
  let visa: string;

  beforeAll(async () => {
    ({ server, close } = await start());
    stripe = stripeClient(server);
    visa = (await stripe.paymentMethods.create(cardParams(CARDS.visa))).id;
  }, 120_000);
  afterAll(async () => close?.());

  const failure = async (p: Promise<unknown>) =>
    (await p.catch((e: unknown) => e)) as Stripe.errors.StripeError;

  const shipping = {
    name: 'Ada Lovelace',
    address: { line1: '1 Main St', city: 'London', postal_code: 'N1 9GU', country: 'GB' },
  };

  describe('PaymentIntent breadth', () => {
    it('updates amount, currency and description before confirmation, merging metadata (empty unsets a key)', async () => {
      const pi = await stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        metadata: { order: '1', coupon: 'X' },
      });
      const updated = await stripe.paymentIntents.update(pi.id, {
        amount: 1_500,
        currency: 'eur',
        description: 'order 1',
        metadata: { coupon: '', gift: 'yes' },
        receipt_email: 'ada@example.com',
        shipping,
        statement_descriptor_suffix: 'ORDER 1',
      });
      expect(updated).toMatchObject({
        amount: 1_500,
        currency: 'eur',
        description: 'order 1',
        metadata: { order: '1', gift: 'yes' },
        receipt_email: 'ada@example.com',
        statement_descriptor_suffix: 'ORDER 1',
        shipping: {
          name: 'Ada Lovelace',
          address: { line1: '1 Main St', line2: null, state: null },
          carrier: null,
        },
      });
      expect(Object.keys(updated.metadata)).not.toContain('coupon');
      const retrieved = await stripe.paymentIntents.retrieve(pi.id);
      expect(retrieved).toMatchObject({
        amount: 1_500,
        client_secret: pi.client_secret,
        receipt_email: 'ada@example.com',
      });

      const cleared = await stripe.paymentIntents.update(pi.id, {
        receipt_email: '',
        shipping: '' as never,
        description: '',
      });
      expect(cleared).toMatchObject({ receipt_email: null, shipping: null, description: null });
    });

    it('attaches a payment method by update, then refuses amount changes once confirmed but keeps metadata updatable', async () => {
      const pi = await stripe.paymentIntents.create({ amount: 2_000, currency: 'usd' });
      const ready = await stripe.paymentIntents.update(pi.id, { payment_method: visa });
      expect(ready).toMatchObject({ status: 'requires_confirmation', payment_method: visa });
      const paid = await stripe.paymentIntents.confirm(pi.id);
      expect(paid.status).toBe('succeeded');
      const refused = await failure(stripe.paymentIntents.update(pi.id, { amount: 3_000 }));
      expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect([refused.code, refused.param]).toEqual(['payment_intent_unexpected_state', 'amount']);
      const tagged = await stripe.paymentIntents.update(pi.id, { metadata: { shipped: 'true' } });
      expect(tagged).toMatchObject({ status: 'succeeded', amount: 2_000, metadata: { shipped: 'true' } });
      const missing = await failure(stripe.paymentIntents.update('pi_missing', { description: 'x' }));
      expect([missing.statusCode, missing.code]).toEqual([404, 'resource_missing']);
    });

    it('expands latest_charge and payment_method on create, confirm, retrieve and list; customer null-safe; unknown → 400', async () => {
      const created = await stripe.paymentIntents.create({
        amount: 1_200,
        currency: 'usd',
        payment_method: visa,
        confirm: true,
        expand: ['latest_charge', 'payment_method', 'customer'],
      });
      const charge = created.latest_charge as Stripe.Charge;
      expect(charge).toMatchObject({ object: 'charge', amount: 1_200, payment_intent: created.id });
      expect(created.payment_method).toMatchObject({ id: visa, object: 'payment_method' });
      expect(created.customer).toBeNull();

      const retrieved = await stripe.paymentIntents.retrieve(created.id, { expand: ['latest_charge'] });
      expect((retrieved.latest_charge as Stripe.Charge).id).toBe(charge.id);
      const open = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
      const confirmed = await stripe.paymentIntents.confirm(open.id, {
        payment_method: visa,
        expand: ['payment_method'],
      });
      expect((confirmed.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');

      const listed = await stripe.paymentIntents.list({ limit: 3, expand: ['data.latest_charge'] });
      for (const pi of listed.data) {
        if (pi.latest_charge !== null) expect((pi.latest_charge as Stripe.Charge).object).toBe('charge');
      }
      const unknown = await failure(stripe.paymentIntents.retrieve(created.id, { expand: ['review'] }));
      expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect([unknown.statusCode, unknown.param]).toEqual([400, 'expand']);
      const notNested = await failure(stripe.paymentIntents.list({ expand: ['latest_charge'] }));
      expect([notNested.statusCode, notNested.param]).toEqual([400, 'expand']);
    });

    it('lists by created[gte|gt|lte|lt]', async () => {
      const first = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
      await new Promise((r) => setTimeout(r, 1_100));
      const second = await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
      const after = await stripe.paymentIntents.list({ created: { gt: first.created } });
      expect(after.data.map((p) => p.id)).toContain(second.id);
      expect(after.data.map((p) => p.id)).not.toContain(first.id);
      const upTo = await stripe.paymentIntents.list({ created: { lte: first.created }, limit: 100 });
      expect(upTo.data.map((p) => p.id)).toContain(first.id);
      expect(upTo.data.map((p) => p.id)).not.toContain(second.id);
      const exactly = await stripe.paymentIntents.list({ created: second.created });
      expect(exactly.data.map((p) => p.id)).toEqual([second.id]);
      const bad = await failure(stripe.paymentIntents.list({ created: { gte: 'soon' as never } }));
      expect([bad.statusCode, bad.param]).toEqual([400, 'created[gte]']);
    });

    it('captures manually when payment_method_options[card][capture_method] says so, and shows the requested capture_method', async () => {
      const pi = await stripe.paymentIntents.create({
        amount: 5_000,
        currency: 'usd',
        payment_method: visa,
        confirm: true,
        payment_method_options: { card: { capture_method: 'manual' } },
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        statement_descriptor: 'TESSERA SHOP',
      });
      expect(pi).toMatchObject({
        status: 'requires_capture',
        capture_method: 'automatic',
        payment_method_options: { card: { capture_method: 'manual' } },
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        statement_descriptor: 'TESSERA SHOP',
      });
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      expect(charge).toMatchObject({ calculated_statement_descriptor: 'TESSERA SHOP', captured: false });
    });

    it("refuses amounts under Stripe's minimum per currency (amount_too_small) and charges zero- and three-decimal currencies in their minor unit", async () => {
      const small = await failure(stripe.paymentIntents.create({ amount: 49, currency: 'usd' }));
      expect([small.statusCode, small.code, small.param]).toEqual([400, 'amount_too_small', 'amount']);
      const yen = await failure(stripe.paymentIntents.create({ amount: 49, currency: 'jpy' }));
      expect(yen.code).toBe('amount_too_small');
      expect((await stripe.paymentIntents.create({ amount: 30, currency: 'gbp' })).amount).toBe(30);
      const paidYen = await stripe.paymentIntents.create({
        amount: 50,
        currency: 'jpy',
        payment_method: visa,
        confirm: true,
      });
      expect(paidYen).toMatchObject({ amount_received: 50, currency: 'jpy' });
      const dinar = await stripe.paymentIntents.create({
        amount: 1_234,
        currency: 'kwd',
        payment_method: visa,
        confirm: true,
      });
      expect(dinar).toMatchObject({ amount_received: 1_234, currency: 'kwd' });
      const open = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
      const shrunk = await failure(stripe.paymentIntents.update(open.id, { amount: 10 }));
      expect(shrunk.code).toBe('amount_too_small');
      const invalidEmail = await failure(stripe.paymentIntents.update(open.id, { receipt_email: 'nobody' }));
      expect([invalidEmail.code, invalidEmail.param]).toEqual(['parameter_invalid_string', 'receipt_email']);
    });
  });

  describe('PaymentIntent search', () => {
    it("finds intents with Stripe's query language: status, amount, currency, created, metadata['k'], AND/OR, negation, pages", async () => {
      const tag = `s${Date.now()}`;
      const a = await stripe.paymentIntents.create({
        amount: 4_000,
        currency: 'usd',
        metadata: { batch: tag },
      });
      const b = await stripe.paymentIntents.create({
        amount: 6_000,
        currency: 'eur',
        payment_method: visa,
        confirm: true,
        metadata: { batch: tag },
      });
      const ids = async (query: string) =>
        (await stripe.paymentIntents.search({ query })).data.map((p) => p.id);
      expect(await ids(`metadata['batch']:'${tag}'`)).toEqual([b.id, a.id]);
      expect(await ids(`metadata['batch']:'${tag}' AND status:'succeeded'`)).toEqual([b.id]);
      expect(await ids(`metadata['batch']:'${tag}' AND amount>5000`)).toEqual([b.id]);
      expect(await ids(`metadata['batch']:'${tag}' AND -currency:"eur"`)).toEqual([a.id]);
      expect(await ids(`metadata['batch']:'${tag}' AND created>=${a.created}`)).toEqual([b.id, a.id]);
      expect(await ids(`metadata['batch']:'${tag}' AND amount<=4000`)).toEqual([a.id]);
      expect(await ids(`amount:4000 OR amount:6000`)).toEqual(expect.arrayContaining([a.id, b.id]));

      const first = await stripe.paymentIntents.search({ query: `metadata['batch']:'${tag}'`, limit: 1 });
      expect(first).toMatchObject({
        object: 'search_result',
        has_more: true,
        next_page: b.id,
        data: [{ id: b.id }],
      });
      const second = await stripe.paymentIntents.search({
        query: `metadata['batch']:'${tag}'`,
        limit: 1,
        page: first.next_page as string,
      });
      expect(second).toMatchObject({ has_more: false, next_page: null, data: [{ id: a.id }] });

      for (const query of [
        'customer_email:"x"',
        'amount>5000 AND status:"succeeded" OR currency:"usd"',
        'status>1',
        '',
      ]) {
        const err = await failure(stripe.paymentIntents.search({ query }));
        expect([err.statusCode, err.param], query).toEqual([400, 'query']);
      }
    });
  });
});
