import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDrift } from '../../src/store/ledger-store.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

/** One hot payment intent must not starve the pool: behaviour only, never wall-clock times. */
let server: TestServer;
let second: TestServer;

beforeAll(async () => {
  const env = { DB_LOCK_TIMEOUT_MS: '20000', SERVICE_HMAC_KEY: randomBytes(32).toString('base64') };
  server = await startTestServer({ poolMax: 10, env });
  // another API process on the same database (its own pool, queue and acquirer; the same API keys)
  second = await startTestServer({ db: server.db, env });
});
afterAll(async () => {
  await second?.close();
  await server?.close();
});

async function paidIntent(s: { url: string; key: string }, amount: number): Promise<string> {
  const pm = await createCard(s, CARDS.visa, s.key);
  const pi = await call(s, 'POST', '/v1/payment_intents', {
    form: { amount, currency: 'usd', payment_method: pm, confirm: true },
  });
  expect(pi.json.status).toBe('succeeded');
  return pi.json.id as string;
}

async function refunded(intentId: string) {
  const { rows } = await server.db.query<{ intent: string; refunds: string }>(
    `SELECT amount_refunded::text AS intent,
            (SELECT coalesce(sum(amount), 0)::text FROM refunds WHERE payment_intent_id = $1) AS refunds
       FROM payment_intents WHERE id = $1`,
    [intentId],
  );
  return rows[0];
}

describe('a hot payment intent', () => {
  it("300 concurrent refunds on one intent leave the pool to another merchant's /v1/balance", async () => {
    const hot = await server.newMerchant('Hot');
    const hotServer = { url: server.url, key: hot.key };
    const intent = await paidIntent(hotServer, 100_000);
    const other = await server.newMerchant('Bystander');
    const bystander = { url: server.url, key: other.key };
    await paidIntent(bystander, 4_200);

    let finished = 0;
    const refunds = Array.from({ length: 300 }, (_, i) =>
      call(hotServer, 'POST', '/v1/refunds', {
        form: { payment_intent: intent, amount: 1 },
        idempotencyKey: `hot-${i}`,
      }).finally(() => (finished += 1)),
    );
    // While the refunds are queued, the bystander's requests get connections at once.
    const outstandingWhenServed: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const balance = await call(bystander, 'GET', '/v1/balance');
      expect(balance.status).toBe(200);
      expect(balance.json.pending[0].amount).toBe(4_200);
      outstandingWhenServed.push(300 - finished);
    }
    const results = await Promise.all(refunds);
    // Every bystander request was served while most refunds were still waiting their turn.
    expect(Math.min(...outstandingWhenServed)).toBeGreaterThan(150);
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const r of results.filter((res) => res.status === 429))
      expect(r.json.error.code).toBe('lock_timeout');
    const succeeded = statuses.filter((s) => s === 200).length;
    expect(succeeded).toBeGreaterThan(0);
    expect(await refunded(intent)).toEqual({ intent: String(succeeded), refunds: String(succeeded) });
    expect(await balanceDrift(server.db)).toEqual([]);
  });

  it('refunds on one intent from two API processes wait for each other and never exceed the capture', async () => {
    const { key } = await server.newMerchant('Two processes');
    const intent = await paidIntent({ url: server.url, key }, 1_000);
    const processes = [server, second];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call({ url: (processes[i % 2] as TestServer).url, key }, 'POST', '/v1/refunds', {
          form: { payment_intent: intent, amount: 30 },
          idempotencyKey: `two-${i}`,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    // 33 × 30 = 990 ≤ 1000 < 34 × 30: the rest are refused for the amount, or timed out waiting
    expect(ok.length).toBeLessThanOrEqual(33);
    for (const r of results.filter((res) => res.status !== 200)) {
      expect(r.json.error.code).toBe(r.status === 429 ? 'lock_timeout' : 'amount_too_large');
    }
    expect(await refunded(intent)).toEqual({
      intent: String(ok.length * 30),
      refunds: String(ok.length * 30),
    });
    for (const process of [0, 1]) {
      expect(results.some((r, i) => i % 2 === process && r.status === 200)).toBe(true);
    }
  });
});
