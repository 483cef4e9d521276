import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../src/metrics/business-metrics.js';
import { parseEmf, sumOf, type EmfDatapoint } from '../support/emf.js';
import { FailingDatabase } from '../support/failing-database.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let failing: FailingDatabase;

beforeAll(async () => {
  server = await startTestServer({
    env: { METRICS_ENVIRONMENT: 'staging' },
    wrapDb: (db) => (failing = new FailingDatabase(db)),
  });
});
afterAll(async () => {
  await server?.close();
});

const points = (): EmfDatapoint[] => server.logs.flatMap(parseEmf);
const env = { Environment: 'staging' };

describe('business metrics in Embedded Metric Format', () => {
  it('counts approved and declined authorizations (declines by code), refunds, replays, requests and 5xx', async () => {
    const before = server.logs.length;
    const visa = await createCard(server, CARDS.visa);
    const paid = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1200, currency: 'usd', payment_method: visa, confirm: true },
      idempotencyKey: 'metrics-pay-1',
    });
    expect(paid.json.status).toBe('succeeded');
    const replay = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1200, currency: 'usd', payment_method: visa, confirm: true },
      idempotencyKey: 'metrics-pay-1',
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    for (const card of [CARDS.insufficientFunds, CARDS.declined, CARDS.declined]) {
      const res = await call(server, 'POST', '/v1/payment_intents', {
        form: { amount: 900, currency: 'usd', payment_method: await createCard(server, card), confirm: true },
      });
      expect(res.status).toBe(402);
    }
    const refund = await call(server, 'POST', '/v1/refunds', {
      form: { payment_intent: paid.json.id, amount: 200 },
    });
    expect(refund.status).toBe(200);
    failing.failNext(Infinity);
    const broken = await call(server, 'GET', '/v1/balance');
    failing.heal();
    expect(broken.status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    const emitted = server.logs.slice(before).flatMap(parseEmf);
    expect(new Set(emitted.map((p) => p.namespace))).toEqual(new Set([METRICS_NAMESPACE]));
    expect(sumOf(emitted, METRIC_NAMES.succeeded, env)).toBe(1);
    expect(sumOf(emitted, METRIC_NAMES.declined, env)).toBe(3);
    expect(sumOf(emitted, METRIC_NAMES.declined, { ...env, DeclineCode: 'insufficient_funds' })).toBe(1);
    expect(sumOf(emitted, METRIC_NAMES.declined, { ...env, DeclineCode: 'generic_decline' })).toBe(2);
    expect(sumOf(emitted, METRIC_NAMES.refunds, env)).toBe(1);
    expect(sumOf(emitted, METRIC_NAMES.idempotentReplays, env)).toBe(1);
    expect(sumOf(emitted, METRIC_NAMES.serverErrors, env)).toBe(1);
    // 4 card creations, 5 payment intents (one replayed), 1 refund, 1 balance; the /health probe is not counted.
    expect(sumOf(emitted, METRIC_NAMES.requests, env)).toBe(11);
    const latencies = emitted.filter((p) => p.name === METRIC_NAMES.authorizationLatency);
    expect(latencies).toHaveLength(4);
    for (const p of latencies) {
      expect(p).toMatchObject({ unit: 'Milliseconds', dimensions: env });
      expect(p.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes metric lines CloudWatch accepts: epoch-millisecond timestamps, units, no card data', async () => {
    const lines = server.logs.filter((l) => l.includes('"_aws"'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const record = JSON.parse(line) as { _aws: { Timestamp: number } };
      expect(Math.abs(record._aws.Timestamp - Date.now())).toBeLessThan(10 * 60_000);
      expect(line).not.toMatch(/4242424242424242|4000000000009995|4000000000000002/);
    }
    expect(points().every((p) => ['Count', 'Milliseconds'].includes(p.unit))).toBe(true);
  });
});
