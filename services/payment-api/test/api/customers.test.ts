import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, rejection, startSdkServer } from '../support/stripe-client.js';

describe.each(BACKENDS)('customers and saved cards through the stripe SDK (%s)', (backend) => {
  let stripe: Stripe;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stripe, close } = await startSdkServer(backend));
  });
  afterAll(async () => {
    await close?.();
  });

  it('creates, retrieves, updates (metadata merge, unset) and lists customers by email', async () => {
    const created = await stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      address: { line1: '12 St James Sq', city: 'London', country: 'GB' },
      metadata: { plan: 'pro', ref: 'x1' },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.object).toBe('customer');
    expect(created.address?.city).toBe('London');
    expect(created.address?.line2).toBeNull();
    expect(created.invoice_prefix).toMatch(/^[0-9A-F]{8}$/);
    expect(created.phone).toBeNull();

    const updated = await stripe.customers.update(created.id, {
      name: '',
      metadata: { ref: '', tier: 'gold' },
    });
    expect(updated.name).toBeNull();
    expect(updated.email).toBe('ada@example.com');
    expect(updated.metadata).toEqual({ plan: 'pro', tier: 'gold' });

    const other = await stripe.customers.create({ email: 'grace@example.com' });
    const byEmail = await stripe.customers.list({ email: 'ada@example.com' });
    expect(byEmail.data.map((c) => c.id)).toEqual([created.id]);
    const all = await stripe.customers.list({ limit: 1 }).autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.id)).toEqual([other.id, created.id]);
    const retrieved = (await stripe.customers.retrieve(created.id)) as Stripe.Customer;
    expect(retrieved.metadata).toEqual({ plan: 'pro', tier: 'gold' });
  });

  it('deletes a customer: the deleted stub, no update, no charge, no attach', async () => {
    const customer = await stripe.customers.create({ email: 'gone@example.com' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toEqual({ id: customer.id, object: 'customer', deleted: true });
    expect(await stripe.customers.retrieve(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
    const update = await rejection(stripe.customers.update(customer.id, { name: 'x' }));
    expect(update.code).toBe('resource_missing');
    const charge = await rejection(
      stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id }),
    );
    expect([charge.code, charge.param]).toEqual(['resource_missing', 'customer']);
    const attach = await rejection(stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id }));
    expect([attach.code, attach.param]).toEqual(['resource_missing', 'customer']);
    // its saved cards were detached with it
    expect((await stripe.paymentMethods.retrieve(pm.id)).customer).toBeNull();
    const list = await stripe.customers.list({ email: 'gone@example.com' });
    expect(list.data).toEqual([]);
    const again = await rejection(stripe.customers.del(customer.id));
    expect(again.statusCode).toBe(404);
  });

  it('saves cards: attach, list by customer, update, detach; a detached card is never used again', async () => {
    const customer = await stripe.customers.create({ name: 'Saver' });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(visa.id).toMatch(/^pm_/);
    expect(visa.id).not.toBe('pm_card_visa');
    expect(visa.customer).toBe(customer.id);
    expect(visa.card?.brand).toBe('visa');
    const mc = await stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_mastercard' },
      billing_details: { name: 'Saver', address: { postal_code: '10001' } },
    });
    expect(mc.card?.last4).toBe('4444');
    expect(mc.billing_details.address?.postal_code).toBe('10001');
    await stripe.paymentMethods.attach(mc.id, { customer: customer.id });

    const listed = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(listed.data.map((p) => p.id)).toEqual([mc.id, visa.id]);
    const byFilter = await stripe.paymentMethods.list({ customer: customer.id, type: 'card', limit: 1 });
    expect(byFilter.has_more).toBe(true);
    expect(byFilter.data.map((p) => p.id)).toEqual([mc.id]);

    const updated = await stripe.paymentMethods.update(visa.id, {
      billing_details: { email: 'saver@example.com' },
      card: { exp_month: 4, exp_year: 2040 },
      metadata: { label: 'work' },
    });
    expect(updated.card?.exp_month).toBe(4);
    expect(updated.card?.exp_year).toBe(2040);
    expect(updated.billing_details.email).toBe('saver@example.com');
    expect(updated.metadata).toEqual({ label: 'work' });

    const detached = await stripe.paymentMethods.detach(visa.id);
    expect(detached.customer).toBeNull();
    const reattach = await rejection(stripe.paymentMethods.attach(visa.id, { customer: customer.id }));
    expect(reattach.code).toBe('payment_method_unexpected_state');
    const pay = await rejection(
      stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: visa.id, confirm: true }),
    );
    expect([pay.code, pay.param]).toEqual(['payment_method_unexpected_state', 'payment_method']);
    const detachAgain = await rejection(stripe.paymentMethods.detach(visa.id));
    expect(detachAgain.code).toBe('payment_method_unexpected_state');
    const other = await stripe.customers.create({});
    const stolen = await rejection(stripe.paymentMethods.attach(mc.id, { customer: other.id }));
    expect(stolen.code).toBe('payment_method_unexpected_state');
    const unsaved = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    const notSaved = await rejection(stripe.paymentMethods.update(unsaved.id, { metadata: { a: 'b' } }));
    expect(notSaved.code).toBe('payment_method_unexpected_state');
  });

  it('charges a saved card off-session for its customer only', async () => {
    const customer = await stripe.customers.create({ email: 'sub@example.com' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const pi = await stripe.paymentIntents.create({
      amount: 1_999,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    expect(pi.customer).toBe(customer.id);
    const listed = await stripe.paymentIntents.list({ customer: customer.id });
    expect(listed.data.map((p) => p.id)).toEqual([pi.id]);

    const withoutCustomer = await rejection(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: pm.id, confirm: true }),
    );
    expect([withoutCustomer.code, withoutCustomer.param]).toEqual([
      'payment_method_unexpected_state',
      'payment_method',
    ]);
    const stranger = await stripe.customers.create({});
    const wrongCustomer = await rejection(
      stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        customer: stranger.id,
        payment_method: pm.id,
        confirm: true,
      }),
    );
    expect(wrongCustomer.code).toBe('payment_method_unexpected_state');
    const offWithoutConfirm = await rejection(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', off_session: true }),
    );
    expect(offWithoutConfirm.param).toBe('off_session');
  });

  it('finds a customer’s payments: charges.list, search and list filters, expand[]=customer', async () => {
    const ada = await stripe.customers.create({ email: 'ada.hooks@example.com' });
    const bob = await stripe.customers.create({ email: 'bob.hooks@example.com' });
    const pay = (customer: string) =>
      stripe.paymentIntents.create({
        amount: 1_200,
        currency: 'usd',
        customer,
        payment_method: 'pm_card_visa',
        confirm: true,
        expand: ['customer'],
      });
    const [adas, bobs] = [await pay(ada.id), await pay(bob.id)];
    // expand[] replaces the id by the customer object, as Stripe does
    expect((adas.customer as Stripe.Customer).email).toBe('ada.hooks@example.com');
    const listed = await stripe.paymentIntents.list({ customer: bob.id, expand: ['data.customer'] });
    expect(listed.data.map((pi) => (pi.customer as Stripe.Customer).id)).toEqual([bob.id]);
    const charges = await stripe.charges.list({ customer: ada.id });
    expect(charges.data.map((c) => [c.payment_intent, c.customer])).toEqual([[adas.id, ada.id]]);
    const found = await stripe.paymentIntents.search({ query: `customer:'${bob.id}'` });
    expect(found.data.map((pi) => pi.id)).toEqual([bobs.id]);
    // ids are case-sensitive: another case is another customer
    const upper = await stripe.paymentIntents.search({ query: `customer:'${bob.id.toUpperCase()}'` });
    expect(upper.data).toEqual([]);
  });

  it('setup_future_usage saves the card to the customer once the payment succeeds', async () => {
    const customer = await stripe.customers.create({});
    const declined = await rejection(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        customer: customer.id,
        payment_method: 'pm_card_chargeDeclined',
        setup_future_usage: 'off_session',
        confirm: true,
      }),
    );
    expect(declined.code).toBe('card_declined');
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);

    const pi = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      customer: customer.id,
      setup_future_usage: 'off_session',
    });
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_mastercard' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.setup_future_usage).toBe('off_session');
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data.map((p) => p.id)).toEqual([confirmed.payment_method]);
    expect(saved.data[0]?.card?.brand).toBe('mastercard');

    const later = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      customer: customer.id,
      payment_method: confirmed.payment_method as string,
      off_session: true,
      confirm: true,
    });
    expect(later.status).toBe('succeeded');
  });
});

describe.each(BACKENDS)('test payment methods and tokens through the stripe SDK (%s)', (backend) => {
  let stripe: Stripe;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stripe, close } = await startSdkServer(backend));
  });
  afterAll(async () => {
    await close?.();
  });

  it.each([
    ['pm_card_visa', 'visa', '4242'],
    ['pm_card_mastercard', 'mastercard', '4444'],
    ['pm_card_amex', 'amex', '0005'],
    ['pm_card_discover', 'discover', '1117'],
  ])('%s pays as a new %s payment method', async (id, brand, last4) => {
    const pi = await stripe.paymentIntents.create({
      amount: 1_234,
      currency: 'usd',
      payment_method: id,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method).toMatch(/^pm_[0-9A-Za-z]+$/);
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
    expect([pm.card?.brand, pm.card?.last4]).toEqual([brand, last4]);
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
  ])('%s declines with %s/%s', async (id, code, declineCode) => {
    const err = await rejection(
      stripe.paymentIntents.create({ amount: 1_000, currency: 'usd', payment_method: id, confirm: true }),
    );
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect([err.code, err.decline_code]).toEqual([code, declineCode]);
  });

  it('an unknown test id is resource_missing naming the parameter', async () => {
    const err = await rejection(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        payment_method: 'pm_card_nosuchcard',
        confirm: true,
      }),
    );
    expect([err.statusCode, err.code, err.param]).toEqual([404, 'resource_missing', 'payment_method']);
    const tok = await rejection(stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }));
    expect([tok.code, tok.param]).toEqual(['resource_missing', 'card[token]']);
  });

  it('test tokens make payment methods: tok_visa pays, tok_chargeDeclined declines', async () => {
    const visa = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    expect(visa.card?.last4).toBe('4242');
    const declined = await stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_chargeDeclined' },
    });
    const err = await rejection(
      stripe.paymentIntents.create({
        amount: 900,
        currency: 'usd',
        payment_method: declined.id,
        confirm: true,
      }),
    );
    expect(err.code).toBe('card_declined');
    const customer = await stripe.customers.create({ source: 'tok_amex' });
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data.map((p) => p.card?.brand)).toEqual(['amex']);
  });

  it('POST /v1/tokens vaults a raw card into a single-use token', async () => {
    const token = await stripe.tokens.create({
      card: {
        number: '4242424242424242',
        exp_month: '12',
        exp_year: String(new Date().getFullYear() + 2),
        cvc: '314',
      },
    } as Stripe.TokenCreateParams);
    expect(token.id).toMatch(/^tok_/);
    expect(token.type).toBe('card');
    expect(token.used).toBe(false);
    expect(token.card?.brand).toBe('Visa');
    expect(token.card?.last4).toBe('4242');
    expect(JSON.stringify(token)).not.toContain('4242424242424242');

    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: token.id } });
    expect(pm.card?.last4).toBe('4242');
    expect(pm.card?.fingerprint).toBe(token.card?.fingerprint);
    expect((await stripe.tokens.retrieve(token.id)).used).toBe(true);
    const reuse = await rejection(stripe.paymentMethods.create({ type: 'card', card: { token: token.id } }));
    expect([reuse.statusCode, reuse.code, reuse.param]).toEqual([400, 'token_already_used', 'card[token]']);

    // the token's CVC was kept sealed for the first authorization (ADR 0024)
    const pi = await stripe.paymentIntents.create({
      amount: 300,
      currency: 'usd',
      payment_method: pm.id,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
  });
});
