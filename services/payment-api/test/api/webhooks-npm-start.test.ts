import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnApi, type ApiProcess } from '../support/api-process.js';
import { startReceiver } from '../support/webhook-receiver.js';

/**
 * Issue 13's "done when", as a developer sees it: `npm start` on the embedded default (the real entry point,
 * PGlite, the in-process queue), an endpoint created with the official SDK pointing at a local server, a
 * payment and a refund — the server receives signed events that `stripe.webhooks.constructEvent` verifies,
 * and a failing endpoint is retried on the embedded schedule (first retry within 10 s).
 */
let dataDir: string;
let api: ApiProcess;
let stripe: Stripe;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tessera-webhooks-'));
  api = spawnApi({ PGHOST: '', DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
  const url = new URL(await api.url);
  const key = await vi.waitFor(() => {
    const printed = /test secret key: (sk_test_\w+)/.exec(api.output())?.[1];
    if (!printed) throw new Error('no test secret key printed yet');
    return printed;
  });
  stripe = new Stripe(key, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}, 120_000); // spawns tsx and opens PGlite (WASM): generous on a loaded machine

afterAll(async () => {
  api?.child.kill('SIGTERM');
  await api?.exited;
  await rm(dataDir, { recursive: true, force: true });
});

describe('webhooks with npm start (embedded default)', () => {
  it('delivers payment_intent.succeeded and charge.refunded signed, and retries a failing endpoint', async () => {
    const healthy = await startReceiver();
    let failuresLeft = 1;
    const flaky = await startReceiver(() => (failuresLeft-- > 0 ? { status: 500 } : { status: 200 }));
    try {
      const endpoint = await stripe.webhookEndpoints.create({
        url: healthy.url,
        enabled_events: ['payment_intent.succeeded', 'charge.refunded'],
      });
      const failing = await stripe.webhookEndpoints.create({
        url: flaky.url,
        enabled_events: ['charge.refunded'],
      });
      expect(endpoint.secret).toMatch(/^whsec_/);

      const payment = await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      });
      expect(payment.status).toBe('succeeded');
      const refund = await stripe.refunds.create({ payment_intent: payment.id, amount: 500 });

      await expect
        .poll(() => healthy.received.map((r) => r.event.type).sort(), { timeout: 30_000, interval: 200 })
        .toEqual(['charge.refunded', 'payment_intent.succeeded']);
      for (const delivery of healthy.received) {
        const event = stripe.webhooks.constructEvent(
          delivery.body,
          delivery.headers['stripe-signature'] as string,
          endpoint.secret as string,
        );
        expect(event.id).toBe(delivery.event.id);
      }
      const succeeded = healthy.received.find((r) => r.event.type === 'payment_intent.succeeded');
      expect(succeeded?.event.data.object.id).toBe(payment.id);
      const refunded = healthy.received.find((r) => r.event.type === 'charge.refunded');
      expect(refunded?.event.data.object.amount_refunded).toBe(refund.amount);
      // Signed with the other endpoint's secret, the same body does not verify there.
      expect(() =>
        stripe.webhooks.constructEvent(
          refunded?.body as string,
          refunded?.headers['stripe-signature'] as string,
          failing.secret as string,
        ),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError);

      // The failing endpoint got a 500 first, then the same event again, signed for it.
      await expect.poll(() => flaky.received.length, { timeout: 30_000, interval: 200 }).toBe(2);
      const [first, retry] = flaky.received;
      expect(retry?.event.id).toBe(first?.event.id);
      expect(retry?.event.type).toBe('charge.refunded');
      stripe.webhooks.constructEvent(
        retry?.body as string,
        retry?.headers['stripe-signature'] as string,
        failing.secret as string,
      );
      const events = await stripe.events.list({ type: 'charge.refunded' });
      expect(events.data.map((e) => e.id)).toEqual([first?.event.id]);
    } finally {
      await Promise.all([healthy.close(), flaky.close()]);
    }
  }, 120_000);
});
