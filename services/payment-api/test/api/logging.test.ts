import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('log redaction', () => {
  it('a card pushed through the API never appears in the captured logs (PAN, CVC, key, Authorization)', async () => {
    const pan = '4000056655665556';
    const cvc = '731';
    const pm = await call(server, 'POST', '/v1/payment_methods', {
      form: { type: 'card', card: { number: pan, exp_month: 11, exp_year: 2034, cvc } },
    });
    expect(pm.status).toBe(200);
    const pi = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 731, currency: 'usd', payment_method: pm.json.id, confirm: true },
      idempotencyKey: 'log-test-1',
    });
    expect(pi.status).toBe(200);
    // error paths log too: an invalid card, a PAN smuggled into a URL and into a wrong-typed field
    await call(server, 'POST', '/v1/payment_methods', {
      form: { card: { number: pan, exp_month: 99, exp_year: 2034, cvc } },
    });
    await call(server, 'GET', `/v1/payment_intents/${pan}?x=${pan}`);
    await call(server, 'POST', '/v1/payment_intents', { form: { amount: pan, currency: 'usd' } });
    await call(server, 'GET', '/v1/balance', { key: `sk_test_${pan}` });
    server.app.log.error({ card: { number: pan, cvc } }, `failure for ${pan}`);
    server.app.log.warn({ nested: { pan, apiKey: server.key } }, 'checking nested redaction');

    const output = server.logs.join('\n');
    expect(server.logs.length).toBeGreaterThan(10);
    expect(output).toContain('request completed');
    expect(output).not.toContain(pan);
    expect(output).not.toMatch(/4000\D?0566\D?5566\D?5556/);
    expect(output).not.toContain(server.key);
    expect(output).not.toContain(server.key.slice(8));
    expect(output.toLowerCase()).not.toContain('bearer sk_');
    expect(output).not.toMatch(new RegExp(`"cvc":"?${cvc}`));
  });
});
