import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ bodyLimitBytes: 8 * 1024 });
});
afterAll(async () => {
  await server?.close();
});

const expectEnvelope = (
  res: { status: number; json: { error?: { type?: string; message?: string } } },
  status: number,
) => {
  expect(res.status).toBe(status);
  expect(res.json.error?.type).toBe('invalid_request_error');
  expect(res.json.error?.message).toEqual(expect.any(String));
};

describe('bad input gets a 4xx with a clear message, never a 500', () => {
  it('malformed JSON and non-object JSON', async () => {
    expectEnvelope(
      await call(server, 'POST', '/v1/payment_intents', {
        raw: '{"amount": 1',
        contentType: 'application/json',
      }),
      400,
    );
    const arr = await call(server, 'POST', '/v1/payment_intents', {
      raw: '[1,2]',
      contentType: 'application/json',
    });
    expectEnvelope(arr, 400);
    const str = await call(server, 'POST', '/v1/payment_intents', {
      raw: '"x"',
      contentType: 'application/json',
    });
    expectEnvelope(str, 400);
  });

  it('malformed form bodies', async () => {
    expectEnvelope(
      await call(server, 'POST', '/v1/payment_intents', { raw: 'amount=%E0%A4%A&currency=usd' }),
      400,
    );
    expectEnvelope(
      await call(server, 'POST', '/v1/payment_intents', { raw: 'amount=1&amount[x]=2&currency=usd' }),
      400,
    );
    expectEnvelope(await call(server, 'POST', '/v1/payment_intents', { raw: 'a[b][c][d][e][f][g]=1' }), 400);
    expectEnvelope(await call(server, 'POST', '/v1/payment_intents', { raw: '__proto__[x]=1' }), 400);
  });

  it('wrong types name the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: 'ten', currency: 'usd' }, 'amount'],
      [{ amount: 10.5, currency: 'usd' }, 'amount'],
      [{ amount: -1, currency: 'usd' }, 'amount'],
      [{ amount: 100000000, currency: 'usd' }, 'amount'],
      [{ amount: 10, currency: 'xyz' }, 'currency'],
      [{ amount: 10, currency: 5 }, 'currency'],
      [{ amount: 10, currency: 'usd', confirm: 'maybe' }, 'confirm'],
      [{ amount: 10, currency: 'usd', capture_method: 'later' }, 'capture_method'],
      [{ amount: 10, currency: 'usd', metadata: 'x' }, 'metadata'],
      [{ amount: 10, currency: 'usd', metadata: { k: { nested: 1 } } }, 'metadata[k]'],
      [{ currency: 'usd' }, 'amount'],
    ];
    for (const [json, param] of cases) {
      const res = await call(server, 'POST', '/v1/payment_intents', { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.json.error.param, JSON.stringify(json)).toBe(param);
    }
    const card = await call(server, 'POST', '/v1/payment_methods', {
      json: { type: 'card', card: { number: 4242, exp_month: 13, exp_year: 2030 } },
    });
    expect(card.status).toBe(400);
    expect(card.json.error.param).toBe('card[number]');
    const month = await call(server, 'POST', '/v1/payment_methods', {
      form: { card: { number: '4242424242424242', exp_month: 13, exp_year: 2030 } },
    });
    expect(month.json.error.param).toBe('card[exp_month]');
  });

  it('unknown parameters are refused with their name, also nested ones', async () => {
    const top = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 10, currency: 'usd', customer: 'cus_1' },
    });
    expectEnvelope(top, 400);
    expect(top.json.error).toMatchObject({ code: 'parameter_unknown', param: 'customer' });
    const nested = await call(server, 'POST', '/v1/payment_methods', {
      form: { card: { number: '4242424242424242', exp_month: 1, exp_year: 2030, color: 'red' } },
    });
    expect(nested.json.error.param).toBe('card[color]');
    const query = await call(server, 'GET', '/v1/payment_intents?colour=blue');
    expect(query.json.error.param).toBe('colour');
  });

  it('oversize bodies get 413 with the envelope', async () => {
    const res = await call(server, 'POST', '/v1/payment_intents', {
      raw: `amount=1&currency=usd&description=${'x'.repeat(20_000)}`,
    });
    expectEnvelope(res, 413);
  });

  it('unsupported content types, unknown routes and bad ids', async () => {
    expectEnvelope(
      await call(server, 'POST', '/v1/payment_intents', { raw: '<xml/>', contentType: 'application/xml' }),
      415,
    );
    expectEnvelope(await call(server, 'GET', '/v1/charges'), 404);
    const bad = await call(server, 'GET', '/v1/payment_intents/pi_doesnotexist');
    expect(bad.status).toBe(404);
    expect(bad.json.error.code).toBe('resource_missing');
    const badRef = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 10, currency: 'usd', payment_method: "'; drop table x" },
    });
    expect(badRef.status).toBe(404);
    expect(badRef.json.error.param).toBe('payment_method');
  });
});
