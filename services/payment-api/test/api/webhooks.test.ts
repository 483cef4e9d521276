import pino from 'pino';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINT_DISABLED_EVENT, type WebhookDispatcher } from '../../src/app/webhook-dispatcher.js';
import { webhookConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { newId } from '../../src/domain/ids.js';
import type { EventEnvelope, StripeEvent } from '../../src/events/event.js';
import { deleteExpiredDeliveries, insertDeliveries } from '../../src/store/webhook-delivery-store.js';
import { createWebhookDispatcher } from '../../src/webhook-delivery.js';
import { call, type TestServer } from '../support/server.js';
import { BACKENDS, rejection, startSdkServer } from '../support/stripe-client.js';
import { startReceiver, type Answer } from '../support/webhook-receiver.js';

/**
 * Webhook endpoints through the official SDK, and deliveries from the dispatcher to a local receiver that
 * verifies them with stripe.webhooks.constructEvent. The dispatcher is fed EventEnvelopes directly (the
 * relay is tested on its own) and runs on an injected clock: retries are due when the clock says so.
 */
const verifier = new Stripe('sk_test_unused');
const quiet = pino({ level: 'silent' });

/** The relay's copy of an event (its `events` row), whose pending_webhooks the dispatcher keeps current. */
async function insertRelayedEvent(db: Database, merchantId: string, event: StripeEvent): Promise<void> {
  await db.query(
    `INSERT INTO events (id, merchant_id, type, object_id, created_at, body, outbox_seq, position)
     VALUES ($1, $2, $3, $4, now(), $5::jsonb, 0, 0)`,
    [event.id, merchantId, event.type, event.data.object.id, JSON.stringify(event)],
  );
}

function eventOf(type: string, objectId: string, extra: Record<string, unknown> = {}): StripeEvent {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: '2023-08-16',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: { id: objectId, object: type.split('.')[0] as string, ...extra } },
  };
}

describe.each(BACKENDS)('webhook endpoints on %s', (backend) => {
  let server: TestServer;
  let stripe: Stripe;
  let close: () => Promise<void>;
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);
  const advance = (seconds: number) => (nowMs += seconds * 1000);
  const dispatcher = (env: Record<string, string> = {}): WebhookDispatcher =>
    createWebhookDispatcher(
      webhookConfig({ WEBHOOK_RETRY_SCHEDULE: '60,120', WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', ...env }, false),
      server.deps,
      quiet,
      { now: clock },
    );
  const envelope = (event: StripeEvent, merchantId = server.merchantId): EventEnvelope => ({
    merchantId,
    event,
  });
  /** A merchant of its own per scenario, so one scenario's endpoints never receive another's events. */
  const merchant = async () => {
    const m = await server.newMerchant();
    return {
      ...m,
      stripe: new Stripe(m.key, {
        host: '127.0.0.1',
        port: server.port,
        protocol: 'http',
        maxNetworkRetries: 0,
      }),
    };
  };
  const deliveries = async (key: string, endpoint: string) =>
    (await call({ url: server.url, key }, 'GET', `/v1/webhook_endpoints/${endpoint}/deliveries`)).json;

  // the signature's timestamp comes from the clock, and the SDK checks it against real time
  beforeEach(() => {
    nowMs = Date.now();
  });
  beforeAll(async () => {
    ({ server, stripe, close } = await startSdkServer(backend, {
      env: { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true' },
    }));
  }, 60_000);
  afterAll(async () => close?.());

  it('creates, retrieves, lists, updates and deletes endpoints with the SDK; the secret only on create', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: 'https://hooks.example.com/stripe',
      enabled_events: ['payment_intent.succeeded', 'charge.refunded'],
      description: 'orders',
      metadata: { team: 'billing' },
    });
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/stripe',
      enabled_events: ['payment_intent.succeeded', 'charge.refunded'],
      status: 'enabled',
      description: 'orders',
      metadata: { team: 'billing' },
      api_version: null,
      application: null,
      livemode: false,
    });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    expect(retrieved).not.toHaveProperty('secret');
    const { lastResponse: _retrieved, ...plain } = retrieved;
    const { lastResponse: _created, secret: _secret, ...expected } = created;
    expect(plain).toEqual(expected);

    const second = await stripe.webhookEndpoints.create({
      url: 'https://hooks.example.com/all',
      enabled_events: ['*'],
      api_version: '2023-08-16',
    });
    expect(second.api_version).toBe('2023-08-16');
    const page = await stripe.webhookEndpoints.list({ limit: 1 });
    expect(page).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints', has_more: true });
    expect(page.data.map((e) => e.id)).toEqual([second.id]);
    const next = await stripe.webhookEndpoints.list({ limit: 1, starting_after: second.id });
    expect(next.data.map((e) => e.id)).toEqual([created.id]);
    for (const e of [...page.data, ...next.data]) expect(e).not.toHaveProperty('secret');
    const all = await stripe.webhookEndpoints.list().autoPagingToArray({ limit: 10 });
    expect(all.map((e) => e.id)).toEqual([second.id, created.id]);

    const updated = await stripe.webhookEndpoints.update(created.id, {
      url: 'https://hooks.example.com/v2',
      enabled_events: ['charge.succeeded'],
      disabled: true,
      description: '',
      metadata: { team: '', owner: 'ada' },
    });
    expect(updated).toMatchObject({
      url: 'https://hooks.example.com/v2',
      enabled_events: ['charge.succeeded'],
      status: 'disabled',
      description: null,
      metadata: { owner: 'ada' },
    });
    expect(updated).not.toHaveProperty('secret');
    expect((await stripe.webhookEndpoints.update(created.id, { disabled: false })).status).toBe('enabled');

    expect(await stripe.webhookEndpoints.del(created.id)).toMatchObject({
      id: created.id,
      object: 'webhook_endpoint',
      deleted: true,
    });
    expect((await rejection(stripe.webhookEndpoints.retrieve(created.id))).code).toBe('resource_missing');
    expect((await rejection(stripe.webhookEndpoints.del(created.id))).statusCode).toBe(404);
    expect((await stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([second.id]);
  });

  it('refuses bad parameters in Stripe’s envelope, naming the parameter', async () => {
    const create = (params: Record<string, unknown>) =>
      rejection(stripe.webhookEndpoints.create(params as unknown as Stripe.WebhookEndpointCreateParams));
    const unknownType = await create({
      url: 'https://hooks.example.com',
      enabled_events: ['charge.succeeded', 'invoice.paid'],
    });
    expect(unknownType).toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'enabled_events[1]',
      statusCode: 400,
    });
    expect(unknownType.message).toContain('invoice.paid');
    expect((await create({ url: 'https://hooks.example.com' })).param).toBe('enabled_events');
    expect((await create({ enabled_events: ['*'] })).param).toBe('url');
    expect(await create({ url: 'ftp://hooks.example.com', enabled_events: ['*'] })).toMatchObject({
      param: 'url',
      code: 'url_invalid',
    });
    expect(
      (await create({ url: 'https://hooks.example.com', enabled_events: ['*'], api_version: 'latest' }))
        .param,
    ).toBe('api_version');
    expect(
      (await create({ url: 'https://hooks.example.com', enabled_events: ['*'], secret: 'x' })).code,
    ).toBe('parameter_unknown');
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'https://hooks.example.com',
      enabled_events: ['*'],
    });
    const update = (params: Record<string, unknown>) =>
      rejection(stripe.webhookEndpoints.update(endpoint.id, params as Stripe.WebhookEndpointUpdateParams));
    expect((await update({ enabled_events: ['*', 'nope'] })).param).toBe('enabled_events[1]');
    expect((await update({ url: 'https://10.0.0.1/hook' })).param).toBe('url');
    expect((await update({ disabled: 'maybe' })).param).toBe('disabled');
    expect((await rejection(stripe.webhookEndpoints.update('we_missing', {}))).statusCode).toBe(404);
  });

  it('refuses internal addresses (SSRF) on create and update', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://[fe80::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0.0.0.0/',
      'http://hooks.example.com/',
      'https://user:secret@hooks.example.com/',
    ]) {
      const err = await rejection(stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }));
      expect({ url, param: err.param, code: err.code }).toEqual({ url, param: 'url', code: 'url_invalid' });
    }
  });

  it('stores the secret only encrypted: not in its row, not in the replay of an idempotent create', async () => {
    const created = await stripe.webhookEndpoints.create(
      { url: 'https://hooks.example.com/idem', enabled_events: ['*'] },
      { idempotencyKey: `we-${backend}` },
    );
    const secret = created.secret as string;
    const replay = await stripe.webhookEndpoints.create(
      { url: 'https://hooks.example.com/idem', enabled_events: ['*'] },
      { idempotencyKey: `we-${backend}` },
    );
    expect(replay.id).toBe(created.id);
    expect(replay).not.toHaveProperty('secret');
    const { rows } = await server.db.query(
      `SELECT encode(secret_sealed, 'hex') AS sealed, to_jsonb(e)::text AS everything FROM webhook_endpoints e WHERE id = $1`,
      [created.id],
    );
    expect(rows[0]?.everything).not.toContain(secret);
    expect(rows[0]?.everything).not.toContain(secret.slice(6));
    expect(String(rows[0]?.sealed)).not.toContain(Buffer.from(secret).toString('hex'));
    const keys = await server.db.query(`SELECT response_body FROM idempotency_keys WHERE key = $1`, [
      `we-${backend}`,
    ]);
    expect(keys.rows[0]?.response_body).toContain(created.id);
    expect(keys.rows[0]?.response_body).not.toContain(secret);
    expect(server.logs.join('\n')).not.toContain(secret);
  });

  it('delivers an event signed so that stripe.webhooks.constructEvent verifies it unchanged, once per endpoint', async () => {
    const m = await merchant();
    const receiver = await startReceiver();
    try {
      const endpoint = await m.stripe.webhookEndpoints.create({
        url: receiver.url,
        enabled_events: ['payment_intent.succeeded'],
      });
      const other = await m.stripe.webhookEndpoints.create({
        url: receiver.url,
        enabled_events: ['charge.failed'],
      });
      const event = eventOf('payment_intent.succeeded', 'pi_delivered', { amount: 2000 });
      await insertRelayedEvent(server.db, m.merchantId, event);
      const webhooks = dispatcher();
      await webhooks.recordAndDeliver(envelope(event, m.merchantId));
      await webhooks.recordAndDeliver(envelope(event, m.merchantId)); // at least once: a second copy changes nothing
      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received;
      const verified = verifier.webhooks.constructEvent(
        got!.body,
        got!.headers['stripe-signature'] as string,
        endpoint.secret as string,
      );
      expect(verified).toMatchObject({
        id: event.id,
        type: 'payment_intent.succeeded',
        pending_webhooks: 1,
        data: { object: { id: 'pi_delivered', amount: 2000 } },
      });
      expect(got!.headers['content-type']).toMatch(/^application\/json/);
      expect(got!.headers['user-agent']).toMatch(/^Tessera\//);
      expect(got!.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const { rows } = await server.db.query('SELECT pending_webhooks FROM events WHERE id = $1', [event.id]);
      expect(rows[0]?.pending_webhooks).toBe(0);
      const list = await deliveries(m.key, endpoint.id);
      expect(list.data).toHaveLength(1);
      expect(list.data[0]).toMatchObject({
        object: 'webhook_delivery',
        event: event.id,
        status: 'succeeded',
        attempt_count: 1,
        next_attempt: null,
      });
      expect(list.data[0].attempts).toEqual([
        {
          attempted_at: expect.any(Number),
          http_status: 200,
          error: null,
          latency_ms: expect.any(Number),
          response_body: 'ok',
        },
      ]);
      expect((await deliveries(m.key, other.id)).data).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing endpoint on the schedule (500, then 200) and records every attempt', async () => {
    const m = await merchant();
    let failures = 1;
    const receiver = await startReceiver((): Answer =>
      failures-- > 0 ? { status: 500, body: 'x'.repeat(3000) } : { status: 200 },
    );
    try {
      const endpoint = await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const event = eventOf('charge.refunded', 'ch_retried');
      const webhooks = dispatcher();
      const start = nowMs;
      await webhooks.recordAndDeliver(envelope(event, m.merchantId));
      expect(receiver.received).toHaveLength(1);
      let [delivery] = (await deliveries(m.key, endpoint.id)).data;
      expect(delivery).toMatchObject({
        status: 'pending',
        attempt_count: 1,
        next_attempt: Math.floor(start / 1000) + 60,
      });
      expect(delivery.attempts[0]).toMatchObject({ http_status: 500, error: null });
      expect(Buffer.byteLength(delivery.attempts[0].response_body)).toBe(1024);
      advance(59);
      expect(await webhooks.deliverDue()).toEqual({ succeeded: 0, failed: 0, disabled: [] });
      expect(receiver.received).toHaveLength(1);
      advance(1);
      expect(await webhooks.deliverDue()).toEqual({ succeeded: 1, failed: 0, disabled: [] });
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.event.id).toBe(event.id);
      verifier.webhooks.constructEvent(
        receiver.received[1]!.body,
        receiver.received[1]!.headers['stripe-signature'] as string,
        endpoint.secret as string,
      );
      [delivery] = (await deliveries(m.key, endpoint.id)).data;
      expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 2, next_attempt: null });
      expect(delivery.attempts.map((a: { http_status: number }) => a.http_status)).toEqual([500, 200]);
      expect(delivery.attempts[1].attempted_at - delivery.attempts[0].attempted_at).toBe(60);
    } finally {
      await receiver.close();
    }
  });

  it('consumes without waiting for the receiver: a hanging one never holds up the event stream', async () => {
    const m = await merchant();
    const hanging = await startReceiver(() => 'hang');
    try {
      const slow = await m.stripe.webhookEndpoints.create({ url: hanging.url, enabled_events: ['*'] });
      const webhooks = dispatcher({ WEBHOOK_TIMEOUT_MS: '5000' });
      await webhooks.consume(envelope(eventOf('charge.succeeded', 'ch_hanging'), m.merchantId));
      const [recorded] = (await deliveries(m.key, slow.id)).data;
      expect(recorded.attempts).toEqual([]); // the attempt is still waiting for its answer
      await webhooks.idle();
      const [attempted] = (await deliveries(m.key, slow.id)).data;
      expect(attempted.attempts[0]).toMatchObject({ http_status: null, error: 'timed out after 5000 ms' });
      await m.stripe.webhookEndpoints.del(slow.id);
    } finally {
      await hanging.close();
    }
  });

  it('counts a timeout and a refused connection as failures, with the error recorded', async () => {
    const m = await merchant();
    const hanging = await startReceiver(() => 'hang');
    const closed = await startReceiver();
    await closed.close();
    try {
      const slow = await m.stripe.webhookEndpoints.create({ url: hanging.url, enabled_events: ['*'] });
      const gone = await m.stripe.webhookEndpoints.create({ url: closed.url, enabled_events: ['*'] });
      await dispatcher({ WEBHOOK_TIMEOUT_MS: '300' }).recordAndDeliver(
        envelope(eventOf('charge.succeeded', 'ch_slow'), m.merchantId),
      );
      const [timedOut] = (await deliveries(m.key, slow.id)).data;
      expect(timedOut.attempts[0]).toMatchObject({
        http_status: null,
        error: 'timed out after 300 ms',
        response_body: null,
      });
      expect(timedOut.status).toBe('pending');
      const [refused] = (await deliveries(m.key, gone.id)).data;
      expect(refused.attempts[0].error).toMatch(/^connection failed: .*ECONNREFUSED/);
      // deleting an endpoint abandons its pending deliveries (no retry is left for later scenarios)
      for (const e of [slow, gone]) await m.stripe.webhookEndpoints.del(e.id);
      expect((await deliveries(m.key, slow.id)).error.code).toBe('resource_missing');
      const { rows } = await server.db.query(
        `SELECT DISTINCT state FROM webhook_deliveries WHERE endpoint_id = ANY ($1::text[])`,
        [[slow.id, gone.id]],
      );
      expect(rows.map((r) => r.state)).toEqual(['abandoned']);
    } finally {
      await hanging.close();
    }
  });

  it('delivers one object’s events to an endpoint in order, holding later ones while an earlier is pending', async () => {
    const m = await merchant();
    let failFirst = true;
    const receiver = await startReceiver((event): Answer => {
      if (event.type === 'payment_intent.created' && failFirst) {
        failFirst = false;
        return { status: 503 };
      }
      return { status: 200 };
    });
    try {
      await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const webhooks = dispatcher();
      const created = eventOf('payment_intent.created', 'pi_ordered');
      const succeeded = eventOf('payment_intent.succeeded', 'pi_ordered');
      const otherObject = eventOf('payment_intent.created', 'pi_other');
      await webhooks.recordAndDeliver(envelope(created, m.merchantId));
      await webhooks.recordAndDeliver(envelope(succeeded, m.merchantId));
      await webhooks.recordAndDeliver(envelope(otherObject, m.merchantId));
      const order = () => receiver.received.map((r) => `${r.event.data.object.id} ${r.event.type}`);
      expect(order()).toEqual(['pi_ordered payment_intent.created', 'pi_other payment_intent.created']);
      advance(60);
      await webhooks.deliverDue();
      expect(order()).toEqual([
        'pi_ordered payment_intent.created',
        'pi_other payment_intent.created',
        'pi_ordered payment_intent.created',
        'pi_ordered payment_intent.succeeded',
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('disables an endpoint that fails throughout the schedule and tells the merchant with an event', async () => {
    const m = await merchant();
    const receiver = await startReceiver((event): Answer => ({
      status: event.data.object.id === 'pi_fine' ? 200 : 500,
    }));
    try {
      const failing = await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const webhooks = dispatcher();
      await webhooks.recordAndDeliver(envelope(eventOf('payment_intent.created', 'pi_broken'), m.merchantId));
      advance(60);
      expect(await webhooks.deliverDue()).toEqual({ succeeded: 0, failed: 1, disabled: [] });
      // a second event queued behind nothing (another object): it stays pending until the endpoint is disabled
      await webhooks.recordAndDeliver(envelope(eventOf('payment_intent.created', 'pi_later'), m.merchantId));
      advance(120);
      const run = await webhooks.deliverDue();
      expect(run.disabled).toEqual([failing.id]);
      expect((await m.stripe.webhookEndpoints.retrieve(failing.id)).status).toBe('disabled');
      const states = (await deliveries(m.key, failing.id)).data.map(
        (d: { status: string; attempt_count: number }) => [d.status, d.attempt_count],
      );
      expect(states.sort()).toEqual([
        ['abandoned', 2],
        ['abandoned', 3],
      ]);
      const { rows } = await server.db.query(`SELECT events FROM outbox WHERE merchant_id = $1`, [
        m.merchantId,
      ]);
      const told = rows.flatMap((r) => (typeof r.events === 'string' ? JSON.parse(r.events) : r.events));
      expect(told).toEqual([
        expect.objectContaining({
          type: ENDPOINT_DISABLED_EVENT,
          data: { object: expect.objectContaining({ id: failing.id, status: 'disabled' }) },
        }),
      ]);
      expect(JSON.stringify(told)).not.toContain('whsec_');
      // nothing more is sent to it, until the merchant enables it again
      advance(3600);
      await webhooks.recordAndDeliver(envelope(eventOf('payment_intent.created', 'pi_after'), m.merchantId));
      expect(receiver.received.map((r) => r.event.data.object.id)).not.toContain('pi_after');

      // an endpoint with a success in between is not disabled when one delivery runs out of retries
      await m.stripe.webhookEndpoints.update(failing.id, { disabled: true });
      const mixed = await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      await webhooks.recordAndDeliver(
        envelope(eventOf('payment_intent.created', 'pi_broken2'), m.merchantId),
      );
      await webhooks.recordAndDeliver(envelope(eventOf('payment_intent.created', 'pi_fine'), m.merchantId));
      advance(60);
      await webhooks.deliverDue();
      advance(120);
      expect((await webhooks.deliverDue()).disabled).toEqual([]);
      expect((await m.stripe.webhookEndpoints.retrieve(mixed.id)).status).toBe('enabled');
    } finally {
      await receiver.close();
    }
  });

  it('removes finished deliveries and their attempts after 30 days, never a pending one', async () => {
    const m = await merchant();
    const receiver = await startReceiver();
    try {
      const endpoint = await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const webhooks = dispatcher();
      await webhooks.recordAndDeliver(envelope(eventOf('charge.succeeded', 'ch_old'), m.merchantId));
      await webhooks.recordAndDeliver(envelope(eventOf('charge.succeeded', 'ch_recent'), m.merchantId));
      await server.db.query(
        `INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, event_id, event_type, object_id, event,
           next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, 'charge.succeeded', 'ch_pending', '{}'::jsonb, now() + interval '1 hour',
           now() - interval '31 days')`,
        [newId('whdl'), m.merchantId, endpoint.id, newId('evt')],
      );
      await server.db.query(
        `UPDATE webhook_deliveries SET created_at = now() - interval '31 days'
          WHERE endpoint_id = $1 AND object_id = 'ch_old'`,
        [endpoint.id],
      );
      expect(await deleteExpiredDeliveries(server.db, 30)).toBe(1);
      const left = await deliveries(m.key, endpoint.id);
      expect(left.data.map((d: { status: string }) => d.status).sort()).toEqual(['pending', 'succeeded']);
      const { rows } = await server.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
          WHERE d.endpoint_id = $1`,
        [endpoint.id],
      );
      expect(Number(rows[0]?.n)).toBe(1);
      await m.stripe.webhookEndpoints.del(endpoint.id);
    } finally {
      await receiver.close();
    }
  });

  it('abandons a delivery recorded while its endpoint was being disabled (the two raced)', async () => {
    const m = await merchant();
    const endpoint = await m.stripe.webhookEndpoints.create({
      url: 'https://hooks.example.com/raced',
      enabled_events: ['*'],
    });
    await m.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    const event = eventOf('charge.succeeded', 'ch_raced');
    await insertRelayedEvent(server.db, m.merchantId, event);
    // what consume records when it read the endpoint as enabled just before the update committed
    await insertDeliveries(
      server.db,
      m.merchantId,
      event,
      [{ id: newId('whdl'), endpointId: endpoint.id }],
      clock(),
    );
    const pending = async () =>
      (await server.db.query('SELECT pending_webhooks FROM events WHERE id = $1', [event.id])).rows[0]
        ?.pending_webhooks;
    expect(await pending()).toBe(1);
    await dispatcher().deliverDue();
    expect(await pending()).toBe(0);
    const [delivery] = (await deliveries(m.key, endpoint.id)).data;
    expect(delivery).toMatchObject({ status: 'abandoned', attempt_count: 0, attempts: [] });
  });

  it('rolls the secret: with an overlap both secrets verify, without one only the new one', async () => {
    const m = await merchant();
    const receiver = await startReceiver();
    try {
      const endpoint = await m.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const roll = (body: Record<string, unknown>) =>
        call({ url: server.url, key: m.key }, 'POST', `/v1/webhook_endpoints/${endpoint.id}/roll_secret`, {
          form: body,
        });
      const rolled = await roll({ previous_secret_expires_in: 3600 });
      expect(rolled.status).toBe(200);
      expect(rolled.json).toMatchObject({
        id: endpoint.id,
        object: 'webhook_endpoint',
        secret: expect.stringMatching(/^whsec_/),
      });
      expect(rolled.json.secret).not.toBe(endpoint.secret);
      const webhooks = dispatcher();
      await webhooks.recordAndDeliver(envelope(eventOf('charge.succeeded', 'ch_rolled'), m.merchantId));
      const overlap = receiver.received[0]!;
      const header = overlap.headers['stripe-signature'] as string;
      expect(header.match(/v1=/g)).toHaveLength(2);
      for (const secret of [rolled.json.secret, endpoint.secret]) {
        expect(verifier.webhooks.constructEvent(overlap.body, header, secret).type).toBe('charge.succeeded');
      }
      const again = await roll({});
      await webhooks.recordAndDeliver(envelope(eventOf('charge.succeeded', 'ch_rolled_again'), m.merchantId));
      const after = receiver.received[1]!;
      const afterHeader = after.headers['stripe-signature'] as string;
      expect(afterHeader.match(/v1=/g)).toHaveLength(1);
      expect(verifier.webhooks.constructEvent(after.body, afterHeader, again.json.secret).id).toBe(
        after.event.id,
      );
      for (const old of [rolled.json.secret, endpoint.secret]) {
        expect(() => verifier.webhooks.constructEvent(after.body, afterHeader, old)).toThrow(/signature/i);
      }
      expect(await m.stripe.webhookEndpoints.retrieve(endpoint.id)).not.toHaveProperty('secret');
      expect((await roll({ previous_secret_expires_in: 999_999_999 })).json.error.param).toBe(
        'previous_secret_expires_in',
      );
      expect(
        (await call({ url: server.url, key: m.key }, 'POST', '/v1/webhook_endpoints/we_missing/roll_secret'))
          .status,
      ).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('checks the resolved address at delivery time (DNS rebinding) and sends nothing to an internal one', async () => {
    const m = await merchant();
    const endpoint = await m.stripe.webhookEndpoints.create({
      url: 'https://rebind.example/hook',
      enabled_events: ['*'],
    });
    const webhooks = createWebhookDispatcher(
      webhookConfig({ WEBHOOK_RETRY_SCHEDULE: '60' }, false),
      server.deps,
      quiet,
      { now: clock, resolve: async () => [{ address: '169.254.169.254', family: 4 }] },
    );
    await webhooks.recordAndDeliver(envelope(eventOf('charge.succeeded', 'ch_rebound'), m.merchantId));
    const [delivery] = (await deliveries(m.key, endpoint.id)).data;
    expect(delivery.attempts[0]).toMatchObject({
      http_status: null,
      error: expect.stringContaining('169.254.169.254, a metadata address'),
    });
    await m.stripe.webhookEndpoints.del(endpoint.id);
  });
});

describe('webhook delivery with many tasks (PostgreSQL)', () => {
  it('sends each due delivery once when two dispatchers claim at the same time (FOR UPDATE SKIP LOCKED)', async () => {
    const { server, stripe, close } = await startSdkServer('postgresql', {
      env: { WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true' },
    });
    const receiver = await startReceiver();
    try {
      await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
      const config = webhookConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true' }, false);
      const [a, b] = [
        createWebhookDispatcher(config, server.deps, quiet),
        createWebhookDispatcher(config, server.deps, quiet),
      ];
      // recorded without sending (the consumers' deliverDue runs below, concurrently)
      const events = Array.from({ length: 12 }, (_, i) => eventOf('charge.succeeded', `ch_many_${i}`));
      const endpoints = await server.db.query<{ id: string }>(
        'SELECT id FROM webhook_endpoints WHERE merchant_id = $1',
        [server.merchantId],
      );
      for (const event of events) {
        await insertDeliveries(
          server.db,
          server.merchantId,
          event,
          endpoints.rows.map((e) => ({ id: newId('whdl'), endpointId: e.id })),
          new Date(),
        );
      }
      const runs = await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()]);
      expect(runs.reduce((n, r) => n + r.succeeded, 0)).toBe(12);
      expect(receiver.received.map((r) => r.event.id).sort()).toEqual(events.map((e) => e.id).sort());
    } finally {
      await receiver.close();
      await close();
    }
  }, 60_000);
});
