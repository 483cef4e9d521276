import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ poolMax: 20 });
});
afterAll(async () => {
  await server?.close();
});

const countIntents = async (merchantId: string) =>
  Number(
    (
      await server.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM payment_intents WHERE merchant_id = $1',
        [merchantId],
      )
    ).rows[0]?.n,
  );

describe('Idempotency-Key', () => {
  it('replays the stored response byte for byte with its status; a different request gets 400 idempotency_error', async () => {
    const pm = await createCard(server);
    const params = { amount: 1234, currency: 'usd', payment_method: pm, confirm: true, metadata: { a: '1' } };
    const first = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-replay-1',
    });
    expect(first.status).toBe(200);
    // the same request, JSON-encoded with keys in another order, is the same request
    const second = await call(server, 'POST', '/v1/payment_intents', {
      json: { metadata: { a: '1' }, confirm: true, payment_method: pm, currency: 'usd', amount: 1234 },
      idempotencyKey: 'key-replay-1',
    });
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const different = await call(server, 'POST', '/v1/payment_intents', {
      form: { ...params, amount: 1235 },
      idempotencyKey: 'key-replay-1',
    });
    expect(different.status).toBe(400);
    expect(different.json.error.type).toBe('idempotency_error');
    const otherPath = await call(server, 'POST', '/v1/refunds', {
      form: { payment_intent: first.json.id },
      idempotencyKey: 'key-replay-1',
    });
    expect(otherPath.status).toBe(400);
    expect(otherPath.json.error.type).toBe('idempotency_error');
  });

  it('stores and replays card errors (402) too', async () => {
    const pm = await createCard(server, CARDS.declined);
    const params = { amount: 999, currency: 'usd', payment_method: pm, confirm: true };
    const first = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-decline-1',
    });
    expect(first.status).toBe(402);
    const before = await countIntents(server.merchantId);
    const replay = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-decline-1',
    });
    expect(replay.status).toBe(402);
    expect(replay.text).toBe(first.text);
    expect(await countIntents(server.merchantId)).toBe(before);
  });

  it('does not store validation errors, so the corrected request can use the same key', async () => {
    const bad = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 'x', currency: 'usd' },
      idempotencyKey: 'key-fix-1',
    });
    expect(bad.status).toBe(400);
    const good = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd' },
      idempotencyKey: 'key-fix-1',
    });
    expect(good.status).toBe(200);
  });

  it('answers 409 while the first request is in flight, and lets a retry take over an abandoned claim', async () => {
    // Simulate a request that claimed the key and is still running (or whose process died).
    const params = { amount: 4200, currency: 'usd' };
    const probe = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-probe',
    });
    const stored = await server.db.query<{ request_hash: string }>(
      `SELECT request_hash FROM idempotency_keys WHERE merchant_id = $1 AND key = 'key-probe'`,
      [server.merchantId],
    );
    expect(probe.status).toBe(200);
    await server.db.query(
      `INSERT INTO idempotency_keys (merchant_id, key, request_hash, method, path, state)
       VALUES ($1, 'key-inflight', $2, 'POST', '/v1/payment_intents', 'in_flight')`,
      [server.merchantId, stored.rows[0]?.request_hash],
    );
    const busy = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-inflight',
    });
    expect(busy.status).toBe(409);
    expect(busy.json.error.type).toBe('idempotency_error');
    await server.db.query(
      `UPDATE idempotency_keys SET locked_at = clock_timestamp() - interval '10 minutes' WHERE merchant_id = $1 AND key = 'key-inflight'`,
      [server.merchantId],
    );
    const recovered = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-inflight',
    });
    expect(recovered.status).toBe(200);
    const replay = await call(server, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'key-inflight',
    });
    expect(replay.text).toBe(recovered.text);
  });

  it('scopes keys per merchant', async () => {
    const other = await server.newMerchant('Scoped');
    const a = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 500, currency: 'usd' },
      idempotencyKey: 'shared-key',
    });
    const b = await call({ url: server.url, key: other.key }, 'POST', '/v1/payment_intents', {
      form: { amount: 600, currency: 'usd' },
      idempotencyKey: 'shared-key',
    });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json.id).not.toBe(a.json.id);
  });

  it('rejects malformed keys', async () => {
    const res = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 500, currency: 'usd' },
      idempotencyKey: 'x'.repeat(300),
    });
    expect(res.status).toBe(400);
  });
});

describe('concurrency', () => {
  it('50 identical parallel requests with one key create exactly one payment', async () => {
    const { key, merchantId } = await server.newMerchant('Stampede');
    const s = { url: server.url, key };
    const pm = await createCard(s, CARDS.visa, key);
    const params = { amount: 2500, currency: 'usd', payment_method: pm, confirm: true };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(s, 'POST', '/v1/payment_intents', { form: params, idempotencyKey: 'stampede-1' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((st) => st === 200 || st === 409)).toBe(true);
    const succeeded = responses.filter((r) => r.status === 200);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(succeeded.map((r) => r.text)).size).toBe(1);
    expect(await countIntents(merchantId)).toBe(1);
    // once the first finished, every retry replays the same payment
    const after = await call(s, 'POST', '/v1/payment_intents', {
      form: params,
      idempotencyKey: 'stampede-1',
    });
    expect(after.text).toBe(succeeded[0]?.text);
    const balance = await call(s, 'GET', '/v1/balance');
    // one payment: its capture is pending until settled (ADR 0032)
    expect(balance.json.pending[0].amount).toBe(2500);
  });

  it('concurrent refunds never exceed the captured amount', async () => {
    const { key } = await server.newMerchant('Refund race');
    const s = { url: server.url, key };
    const pm = await createCard(s, CARDS.visa, key);
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd', payment_method: pm, confirm: true },
    });
    expect(pi.json.status).toBe('succeeded');
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(s, 'POST', '/v1/refunds', {
          form: { payment_intent: pi.json.id, amount: 150 },
          idempotencyKey: `race-${i}`,
        }),
      ),
    );
    const ok = attempts.filter((r) => r.status === 200);
    expect(ok).toHaveLength(6); // 6 × 150 = 900 ≤ 1000 < 7 × 150
    for (const r of attempts.filter((a) => a.status !== 200)) expect(r.json.error.param).toBe('amount');
    const { rows } = await server.db.query<{ refunded: string; received: string }>(
      `SELECT (SELECT sum(amount)::text FROM refunds WHERE payment_intent_id = $1) AS refunded,
              amount_received::text AS received FROM payment_intents WHERE id = $1`,
      [pi.json.id],
    );
    expect(rows[0]).toEqual({ refunded: '900', received: '1000' });
    const balance = await call(s, 'GET', '/v1/balance');
    // the capture is pending until settled; the 900 refunded came out of available at once
    expect(balance.json.pending[0].amount).toBe(1000);
    expect(balance.json.available[0].amount).toBe(-900);
  });
});
