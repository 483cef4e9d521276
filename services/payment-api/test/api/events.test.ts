import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRelay } from '../../src/app/event-relay.js';
import { InMemoryFifoQueue } from '../../src/queue/in-memory-fifo-queue.js';
import { deleteExpiredEvents } from '../../src/store/event-store.js';
import { EVENTS_API_VERSION } from '../../src/store/outbox-store.js';
import { sdkAlwaysPresent } from '../support/sdk-types.js';
import type { TestServer } from '../support/server.js';
import { BACKENDS, cardParams, rejection, startSdkServer, stripeClient } from '../support/stripe-client.js';

/** Every event type the SDK knows (its `Event.Type` union). */
function sdkEventTypes(): Set<string> {
  const root = dirname(dirname(createRequire(import.meta.url).resolve('stripe')));
  const text = readFileSync(join(root, 'esm', 'resources', 'Events.d.ts'), 'utf8');
  const union = /type Type = ([^;]+);/.exec(text)?.[1] ?? '';
  return new Set([...union.matchAll(/'([^']+)'/g)].map((m) => m[1] as string));
}

describe.each(BACKENDS)('GET /v1/events (%s)', (backend) => {
  let stripe: Stripe;
  let server: TestServer;
  let close: () => Promise<void>;
  let relay: EventRelay;
  let paid: Stripe.Response<Stripe.PaymentIntent>;
  let refund: Stripe.Response<Stripe.Refund>;

  beforeAll(async () => {
    ({ stripe, server, close } = await startSdkServer(backend));
    const queue = new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    relay = new EventRelay(server.db, queue, { batchSize: 50, leaseSeconds: 30 });
    const pm = await stripe.paymentMethods.create(cardParams('4242424242424242'));
    paid = await stripe.paymentIntents.create(
      { amount: 2_000, currency: 'usd', payment_method: pm.id, confirm: true },
      { idempotencyKey: 'order-42' },
    );
    refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 500 });
    await stripe.customers.create({ email: 'ada@example.com' });
    expect(await relay.runOnce()).toBeGreaterThanOrEqual(6);
  });
  afterAll(async () => close?.());

  it('lists the events newest first, as the SDK reads them', async () => {
    const list = await stripe.events.list();
    expect(list.object).toBe('list');
    expect(list.url).toBe('/v1/events');
    expect(list.has_more).toBe(false);
    expect(list.data.map((e) => e.type)).toEqual([
      'customer.created',
      'charge.refunded',
      'refund.created',
      'payment_intent.succeeded',
      'charge.succeeded',
      'payment_intent.created',
    ]);
    const known = sdkEventTypes();
    expect(list.data.filter((e) => !known.has(e.type))).toEqual([]);
    const required = sdkAlwaysPresent('Events', 'EventBase');
    expect(required).toContain('pending_webhooks');
    for (const event of list.data) expect(required.filter((f) => !(f in event))).toEqual([]);
  });

  it('retrieves an event: data.object as of the event, the request, api_version and pending_webhooks', async () => {
    const [succeeded] = (await stripe.events.list({ type: 'payment_intent.succeeded' })).data;
    const event = await stripe.events.retrieve(succeeded?.id ?? '');
    expect(event).toMatchObject({
      object: 'event',
      api_version: EVENTS_API_VERSION,
      livemode: false,
      pending_webhooks: 0,
      type: 'payment_intent.succeeded',
      request: { id: paid.lastResponse.requestId, idempotency_key: 'order-42' },
      data: {
        object: { id: paid.id, object: 'payment_intent', status: 'succeeded', amount_received: 2_000 },
      },
    });
    const refunded = (await stripe.events.list({ type: 'charge.refunded' })).data[0];
    expect(refunded?.data.object).toMatchObject({ id: paid.latest_charge, amount_refunded: 500 });
    expect(refunded?.request?.id).toBe(refund.lastResponse.requestId);
    // pending_webhooks is read live from its column
    await server.db.query('UPDATE events SET pending_webhooks = 2 WHERE id = $1', [event.id]);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(2);
  });

  it('filters by type (exact or prefix.*), types[] and created', async () => {
    const types = async (params: Stripe.EventListParams) =>
      (await stripe.events.list(params)).data.map((e) => e.type);
    expect(await types({ type: 'charge.*' })).toEqual(['charge.refunded', 'charge.succeeded']);
    expect(await types({ type: 'payment_intent.created' })).toEqual(['payment_intent.created']);
    expect(await types({ types: ['refund.created', 'customer.created'] })).toEqual([
      'customer.created',
      'refund.created',
    ]);
    expect(await types({ type: 'charge.dispute.created' })).toEqual([]);
    const all = (await stripe.events.list()).data;
    const newest = all[0]?.created ?? 0;
    expect(await types({ created: { gt: newest } })).toEqual([]);
    expect((await types({ created: { lte: newest } })).length).toBe(6);
    expect((await types({ created: { gte: (all.at(-1)?.created ?? 0) - 1 } })).length).toBe(6);
  });

  it('pages with limit, starting_after and ending_before', async () => {
    const first = await stripe.events.list({ limit: 4 });
    expect(first.has_more).toBe(true);
    const second = await stripe.events.list({ limit: 4, starting_after: first.data[3]?.id });
    expect(second.has_more).toBe(false);
    expect(second.data).toHaveLength(2);
    const back = await stripe.events.list({ limit: 2, ending_before: second.data[0]?.id });
    expect(back.data.map((e) => e.id)).toEqual(first.data.slice(2).map((e) => e.id));
    const all: string[] = [];
    for await (const event of stripe.events.list({ limit: 2 })) all.push(event.id);
    expect(all).toHaveLength(6);
  });

  it('answers bad input and unknown ids with Stripe’s errors', async () => {
    const missing = await rejection(stripe.events.retrieve('evt_missing'));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('resource_missing');
    expect(missing.param).toBe('id');
    const tooMany = await rejection(
      stripe.events.list({
        types: Array.from({ length: 21 }, (_, i) => `charge.t${String.fromCharCode(97 + i)}`),
      }),
    );
    expect(tooMany.param).toBe('types');
    const both = await rejection(stripe.events.list({ type: 'charge.*', types: ['refund.created'] }));
    expect(both.param).toBe('types');
    const badType = await rejection(stripe.events.list({ type: 'charge.*.x' }));
    expect(badType.param).toBe('type');
    const badCursor = await rejection(stripe.events.list({ starting_after: 'evt_nope' }));
    expect(badCursor.param).toBe('starting_after');
  });

  it('shows a merchant only its own events', async () => {
    const other = await server.newMerchant('other');
    const theirs = stripeClient(server, other.key);
    expect((await theirs.events.list()).data).toEqual([]);
    const mine = (await stripe.events.list({ limit: 1 })).data[0]?.id ?? '';
    expect((await rejection(theirs.events.retrieve(mine))).statusCode).toBe(404);
  });

  it('keeps events 30 days: the retention deletes older ones only', async () => {
    const [oldest] = (await stripe.events.list({ type: 'payment_intent.created' })).data;
    await server.db.query(
      "UPDATE events SET created_at = clock_timestamp() - interval '30 days 1 minute' WHERE id = $1",
      [oldest?.id],
    );
    expect(await deleteExpiredEvents(server.db)).toBe(1);
    expect(await deleteExpiredEvents(server.db)).toBe(0);
    expect((await rejection(stripe.events.retrieve(oldest?.id ?? ''))).statusCode).toBe(404);
    expect((await stripe.events.list()).data).toHaveLength(5);
  });
});
