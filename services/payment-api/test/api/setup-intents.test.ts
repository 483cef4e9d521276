import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, rejection, startSdkServer } from '../support/stripe-client.js';

describe.each(BACKENDS)('SetupIntents through the stripe SDK (%s)', (backend) => {
  let stripe: Stripe;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stripe, close } = await startSdkServer(backend));
  });
  afterAll(async () => {
    await close?.();
  });

  it('create → confirm saves the card (usage off_session by default), then it pays off-session', async () => {
    const customer = await stripe.customers.create({ email: 'setup@example.com' });
    const si = await stripe.setupIntents.create({ customer: customer.id, metadata: { flow: 'signup' } });
    expect(si.id).toMatch(/^seti_/);
    expect(si.status).toBe('requires_payment_method');
    expect(si.usage).toBe('off_session');
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`));
    expect(si.next_action).toBeNull();

    const confirmed = await stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.last_setup_error).toBeNull();
    const pmId = confirmed.payment_method as string;
    expect((await stripe.paymentMethods.retrieve(pmId)).customer).toBe(customer.id);
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');

    const pi = await stripe.paymentIntents.create({
      amount: 4_200,
      currency: 'eur',
      customer: customer.id,
      payment_method: pmId,
      off_session: true,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');

    const again = await rejection(stripe.setupIntents.confirm(si.id));
    expect(again.code).toBe('setup_intent_unexpected_state');
    const cancel = await rejection(stripe.setupIntents.cancel(si.id));
    expect(cancel.code).toBe('setup_intent_unexpected_state');
  });

  it('a declined card fails the setup with last_setup_error and is not saved', async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_chargeDeclined',
      usage: 'on_session',
      confirm: true,
    });
    expect(si.status).toBe('requires_payment_method');
    expect(si.usage).toBe('on_session');
    expect(si.last_setup_error?.code).toBe('card_declined');
    expect(si.last_setup_error?.decline_code).toBe('generic_decline');
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
    // a new card may be tried on the same intent
    const retried = await stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_amex' });
    expect(retried.status).toBe('succeeded');
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });

  it('cancels, lists by customer, and refuses a deleted customer', async () => {
    const customer = await stripe.customers.create({});
    const first = await stripe.setupIntents.create({ customer: customer.id });
    const second = await stripe.setupIntents.create({ customer: customer.id });
    await stripe.setupIntents.create({});
    const canceled = await stripe.setupIntents.cancel(first.id, { cancellation_reason: 'abandoned' });
    expect([canceled.status, canceled.cancellation_reason]).toEqual(['canceled', 'abandoned']);
    const listed = await stripe.setupIntents.list({ customer: customer.id });
    expect(listed.data.map((s) => s.id)).toEqual([second.id, first.id]);
    await stripe.customers.del(customer.id);
    const refused = await rejection(stripe.setupIntents.create({ customer: customer.id }));
    expect([refused.code, refused.param]).toEqual(['resource_missing', 'customer']);
    const confirmDeleted = await rejection(
      stripe.setupIntents.confirm(second.id, { payment_method: 'pm_card_visa' }),
    );
    expect(confirmDeleted.code).toBe('resource_missing');
    const missing = await rejection(stripe.setupIntents.retrieve('seti_missing'));
    expect(missing.statusCode).toBe(404);
  });
});
