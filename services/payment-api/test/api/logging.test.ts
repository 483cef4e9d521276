import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, rawRequest } from '../support/raw-http.js';
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

  it('a PAN in the URL path or query, percent-encoded or split by spaces or "+", never reaches the log', async () => {
    const pan = '5105105105105100';
    const groups = pan.match(/.{4}/g) as string[];
    const encoded = [...pan].map((d) => `%3${d}`).join('');
    const targets = [
      `/v1/payment_intents/${groups.join('%20')}`,
      `/v1/payment_intents/${groups.join('+')}`,
      `/v1/payment_intents/${groups.join('%2B')}`,
      `/v1/payment_intents/${groups.join('-')}`,
      `/v1/payment_intents/${encoded}`,
      `/v1/payment_intents/%253${pan.slice(0, 1)}${pan.slice(1)}`,
      `/v1/unknown/${groups.join('%20')}`,
      `/v1/payment_intents/${pan}%`, // a bad escape: refused before routing, still logged
      `/v1/payment_intents?starting_after=${groups.join('+')}`,
      `/v1/payment_intents?card[number]=${encoded}`,
      `/v1/payment_intents/${groups.join(' ')}`, // not even HTTP: the parser refuses it
    ];
    const before = server.logs.length;
    for (const target of targets) {
      const res = await rawRequest(
        server.port,
        httpRequest('GET', target, { authorization: `Bearer ${server.key}` }),
      );
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
    }
    const lines = server.logs.slice(before);
    expect(lines.filter((l) => l.includes('incoming request')).length).toBeGreaterThanOrEqual(
      targets.length - 1,
    );
    // Read every logged string the way a reader of the log could: escapes decoded, separators dropped.
    const digitsOf = (value: unknown): string[] => {
      if (typeof value === 'string') {
        let text = value;
        for (let i = 0; i < 3; i += 1)
          text = text.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        return [text.replace(/\D/g, '')];
      }
      if (value !== null && typeof value === 'object') return Object.values(value).flatMap(digitsOf);
      return [];
    };
    const leaks = lines.filter((line) => digitsOf(JSON.parse(line)).some((digits) => digits.includes(pan)));
    expect(leaks).toEqual([]);
  });
});
