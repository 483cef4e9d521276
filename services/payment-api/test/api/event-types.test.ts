import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEvent } from '../../src/events/event.js';
import { EVENTS_API_VERSION } from '../../src/store/outbox-store.js';
import type { TestServer } from '../support/server.js';
import { BACKENDS, cardParams, startSdkServer } from '../support/stripe-client.js';

describe.each(BACKENDS)('events written with their state change (%s)', (backend) => {
  let stripe: Stripe;
  let server: TestServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stripe, server, close } = await startSdkServer(backend));
  });
  afterAll(async () => close?.());

  /** The outbox's events about these objects, in the order they were written. */
  async function eventsAbout(...objectIds: string[]): Promise<StripeEvent[]> {
    const { rows } = await server.db.query<{ events: StripeEvent[] }>(
      'SELECT events FROM outbox WHERE object_ids && $1::text[] ORDER BY seq',
      [objectIds],
    );
    return rows.flatMap((r) => r.events).filter((e) => objectIds.includes(e.data.object.id));
  }

  it('writes full Stripe event objects, with the request that caused them', async () => {
    const response = await stripe.customers.create(
      { email: 'ada@example.com', metadata: { tier: 'gold' } },
      { idempotencyKey: 'customer-create-1' },
    );
    const [created] = await eventsAbout(response.id);
    expect(created).toMatchObject({
      object: 'event',
      api_version: EVENTS_API_VERSION,
      livemode: false,
      type: 'customer.created',
      request: { id: response.lastResponse.requestId, idempotency_key: 'customer-create-1' },
      data: { object: { id: response.id, object: 'customer', email: 'ada@example.com' } },
    });
    expect(created?.id).toMatch(/^evt_/);
    expect(created?.created).toBe(response.created);
    expect(created?.data.previous_attributes).toBeUndefined();
  });

  it('customer.updated carries previous_attributes; customer.deleted the customer as it was', async () => {
    const customer = await stripe.customers.create({ email: 'old@example.com', name: 'Old' });
    await stripe.customers.update(customer.id, { email: 'new@example.com', metadata: { a: '1' } });
    await stripe.customers.update(customer.id, { email: 'new@example.com' }); // changes nothing
    await stripe.customers.del(customer.id);
    const events = await eventsAbout(customer.id);
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(events[1]?.data.previous_attributes).toEqual({ email: 'old@example.com', metadata: {} });
    expect(events[1]?.data.object).toMatchObject({ email: 'new@example.com', metadata: { a: '1' } });
    // the SDK sends a key of its own with every POST
    expect(events[1]?.request.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(events[2]?.data.object).toMatchObject({ id: customer.id, email: 'new@example.com', name: 'Old' });
  });

  it('payment_method.attached, .updated and .detached', async () => {
    const customer = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.create(cardParams('4242424242424242'));
    await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    await stripe.paymentMethods.update(pm.id, { metadata: { label: 'work' } });
    await stripe.paymentMethods.detach(pm.id);
    const events = await eventsAbout(pm.id);
    expect(events.map((e) => e.type)).toEqual([
      'payment_method.attached',
      'payment_method.updated',
      'payment_method.detached',
    ]);
    expect(events[0]?.data.object).toMatchObject({ id: pm.id, customer: customer.id });
    expect(events[1]?.data.previous_attributes).toEqual({ metadata: {} });
    expect(events[2]?.data.object).toMatchObject({ id: pm.id, customer: null });
  });

  it('a customer created with a card: customer.created and payment_method.attached in one transaction', async () => {
    const customer = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const { rows } = await server.db.query<{ events: StripeEvent[] }>(
      `SELECT events FROM outbox WHERE $1 = ANY(object_ids)`,
      [customer.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.events.map((e) => e.type)).toEqual(['customer.created', 'payment_method.attached']);
  });

  it("deleting a customer detaches its cards: customer.deleted and each card's payment_method.detached", async () => {
    const customer = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const second = await stripe.paymentMethods.create(cardParams('5555555555554444'));
    await stripe.paymentMethods.attach(second.id, { customer: customer.id });
    const cards = (await stripe.customers.listPaymentMethods(customer.id)).data.map((pm) => pm.id);
    expect(cards).toHaveLength(2);
    await stripe.customers.del(customer.id);
    const { rows } = await server.db.query<{ events: StripeEvent[] }>(
      `SELECT events FROM outbox WHERE object_ids @> $1::text[]`,
      [[customer.id, ...cards]],
    );
    expect(rows).toHaveLength(1);
    const [deleted, ...detached] = rows[0]?.events ?? [];
    expect(deleted?.type).toBe('customer.deleted');
    expect(detached.map((e) => e.type)).toEqual(['payment_method.detached', 'payment_method.detached']);
    expect(detached.map((e) => e.data.object.id).sort()).toEqual([...cards].sort());
    for (const e of detached) expect(e.data.object).toMatchObject({ customer: null });
    expect((await stripe.paymentMethods.retrieve(second.id)).customer).toBeNull();
  });

  it('setup_intent.created, .succeeded, .setup_failed and .canceled', async () => {
    const customer = await stripe.customers.create({});
    const declined = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    });
    await stripe.setupIntents.confirm(declined.id, { payment_method: 'pm_card_visa' });
    const canceled = await stripe.setupIntents.create({ customer: customer.id });
    await stripe.setupIntents.cancel(canceled.id);
    expect((await eventsAbout(declined.id)).map((e) => e.type)).toEqual([
      'setup_intent.created',
      'setup_intent.setup_failed',
      'setup_intent.succeeded',
    ]);
    expect((await eventsAbout(canceled.id)).map((e) => e.type)).toEqual([
      'setup_intent.created',
      'setup_intent.canceled',
    ]);
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    expect((await eventsAbout(saved.data[0]?.id ?? '')).map((e) => e.type)).toEqual([
      'payment_method.attached',
    ]);
  });

  it('payment_intent.requires_action when the issuer asks for 3D Secure', async () => {
    const pm = await stripe.paymentMethods.create(cardParams('4000000000003220'));
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: pm.id,
      confirm: true,
      return_url: 'https://shop.example.com/done',
    });
    expect(pi.status).toBe('requires_action');
    const events = await eventsAbout(pi.id);
    expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'payment_intent.requires_action']);
    expect(events[1]?.data.object).toMatchObject({ id: pi.id, status: 'requires_action' });
  });
});
