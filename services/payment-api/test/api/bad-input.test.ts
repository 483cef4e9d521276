import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, rawRequest } from '../support/raw-http.js';
import { call, createCard, startTestServer, type TestServer } from '../support/server.js';

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
      [{ amount: 100, currency: 'usd', confirm: 'maybe' }, 'confirm'],
      [{ amount: 100, currency: 'usd', capture_method: 'later' }, 'capture_method'],
      [{ amount: 100, currency: 'usd', metadata: 'x' }, 'metadata'],
      [{ amount: 100, currency: 'usd', metadata: { k: { nested: 1 } } }, 'metadata[k]'],
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
      form: { amount: 100, currency: 'usd', application_fee_amount: 1 },
    });
    expectEnvelope(top, 400);
    expect(top.json.error).toMatchObject({ code: 'parameter_unknown', param: 'application_fee_amount' });
    // a known parameter naming an object the merchant does not have is resource_missing instead
    const customer = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 100, currency: 'usd', customer: 'cus_1' },
    });
    expect([customer.status, customer.json.error.code, customer.json.error.param]).toEqual([
      404,
      'resource_missing',
      'customer',
    ]);
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
    const unknown = await call(server, 'GET', '/v1/payouts');
    expectEnvelope(unknown, 404);
    expect(unknown.json.error.code).toBe('url_unrecognized');
    const bad = await call(server, 'GET', '/v1/payment_intents/pi_doesnotexist');
    expect(bad.status).toBe(404);
    expect(bad.json.error.code).toBe('resource_missing');
    const badRef = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 100, currency: 'usd', payment_method: "'; drop table x" },
    });
    expect(badRef.status).toBe(404);
    expect(badRef.json.error.param).toBe('payment_method');
  });

  it('a NUL or a lone surrogate in any string answers parameter_invalid_string naming the parameter', async () => {
    const pm = await createCard(server);
    const pi = (await call(server, 'POST', '/v1/payment_intents', { form: { amount: 100, currency: 'usd' } }))
      .json.id as string;
    const cases: [string, string, { form?: Record<string, unknown>; json?: unknown }, string | undefined][] =
      [
        ['GET', '/v1/payment_intents/pi_%00', {}, 'id'],
        ['GET', `/v1/payment_methods/${pm}%00`, {}, 'id'],
        ['GET', '/v1/payment_intents?starting_after=pi_%00', {}, 'starting_after'],
        ['GET', '/v1/refunds?ending_before=%00', {}, 'ending_before'],
        ['GET', '/v1/balance?x%00=1', {}, 'x\0'],
        [
          'POST',
          '/v1/payment_intents',
          { form: { amount: 100, currency: 'usd', description: 'a\0b' } },
          'description',
        ],
        [
          'POST',
          '/v1/payment_intents',
          { form: { amount: 100, currency: 'usd', metadata: { k: '\0' } } },
          'metadata[k]',
        ],
        [
          'POST',
          '/v1/payment_intents',
          { form: { amount: 100, currency: 'usd', metadata: { 'k\0': 'v' } } },
          'metadata[k\0]',
        ],
        [
          'POST',
          '/v1/refunds',
          { json: { payment_intent: pi, metadata: { note: 'x\ud800' } } },
          'metadata[note]',
        ],
        [
          'POST',
          '/v1/refunds',
          { json: { payment_intent: pi, metadata: { ['\udc00']: 'v' } } },
          'metadata[\udc00]',
        ],
        [
          'POST',
          '/v1/payment_intents',
          { json: { amount: 100, currency: 'usd', description: '\ud83d' } },
          'description',
        ],
        [
          'POST',
          '/v1/payment_intents',
          { json: { amount: 100, currency: 'usd', payment_method_types: ['\0'] } },
          'payment_method_types[0]',
        ],
        [
          'POST',
          '/v1/payment_methods',
          { json: { card: { number: '4242\0', exp_month: 1, exp_year: 2040 } } },
          'card[number]',
        ],
        [
          'POST',
          `/v1/payment_intents/${pi}/cancel`,
          { form: { cancellation_reason: 'abandoned\0' } },
          'cancellation_reason',
        ],
      ];
    for (const [method, path, body, param] of cases) {
      const res = await call(server, method, path, body);
      expect([res.status, res.json?.error?.code, res.json?.error?.param], `${method} ${path}`).toEqual([
        400,
        'parameter_invalid_string',
        param,
      ]);
    }
    // a paired surrogate (an emoji) is an ordinary character
    const emoji = await call(server, 'POST', '/v1/payment_intents', {
      json: {
        amount: 100,
        currency: 'usd',
        description: 'thanks \ud83d\ude00',
        metadata: { '\ud83d\ude00': 'ok' },
      },
    });
    expect(emoji.status).toBe(200);
    expect(emoji.json.description).toBe('thanks 😀');
  });

  it('a parameter sent twice in the body or the query answers 400 naming it; lists stay allowed', async () => {
    const body = await call(server, 'POST', '/v1/payment_intents', {
      raw: 'amount=111&amount=222&currency=usd',
    });
    expect([body.status, body.json.error.code, body.json.error.param]).toEqual([
      400,
      'parameter_duplicate',
      'amount',
    ]);
    const nested = await call(server, 'POST', '/v1/payment_intents', {
      raw: 'amount=100&currency=usd&metadata[a]=1&metadata[a]=2',
    });
    expect(nested.json.error.param).toBe('metadata[a]');
    const query = await call(server, 'GET', '/v1/payment_intents?limit=1&limit=2');
    expect([query.status, query.json.error.code, query.json.error.param]).toEqual([
      400,
      'parameter_duplicate',
      'limit',
    ]);
    const list = await call(server, 'POST', '/v1/payment_intents', {
      raw: 'amount=500&currency=usd&payment_method_types[]=card',
    });
    expect(list.status).toBe(200);
    const indexed = await call(server, 'POST', '/v1/payment_intents', {
      raw: 'amount=500&currency=usd&payment_method_types[0]=card',
    });
    expect(indexed.status).toBe(200);
  });

  it('media types match case-insensitively with parameters; text/plain and other charsets answer 415', async () => {
    const json = '{"amount":100,"currency":"usd"}';
    for (const type of [
      'APPLICATION/JSON',
      'application/json; charset=UTF-8',
      'Application/Json;charset="utf-8"',
      'application/json; foo=bar',
    ]) {
      const res = await call(server, 'POST', '/v1/payment_intents', { raw: json, contentType: type });
      expect(res.status, type).toBe(200);
    }
    const formBody = 'amount=100&currency=usd';
    for (const type of [
      'Application/X-WWW-Form-Urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
    ]) {
      expect(
        (await call(server, 'POST', '/v1/payment_intents', { raw: formBody, contentType: type })).status,
        type,
      ).toBe(200);
    }
    const plain = await call(server, 'POST', '/v1/payment_intents', {
      raw: formBody,
      contentType: 'text/plain',
    });
    expect([plain.status, plain.json.error.code]).toEqual([415, 'unsupported_media_type']);
    for (const type of [
      'application/json; charset=iso-8859-1',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/json; charset=""',
    ]) {
      const res = await call(server, 'POST', '/v1/payment_intents', { raw: formBody, contentType: type });
      expect([res.status, res.json.error.code], type).toEqual([415, 'unsupported_charset']);
    }
    // bytes that are not UTF-8 are refused, never decoded into replacement characters
    const latin1 = await rawRequest(
      server.port,
      httpRequest(
        'POST',
        '/v1/payment_intents',
        { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        Buffer.concat([
          Buffer.from('{"amount":1,"currency":"usd","description":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('"}'),
        ]),
      ),
    );
    expect([latin1.status, latin1.json.error.code]).toEqual([400, 'parameter_invalid_body']);
  });

  it('errors before routing use the envelope: bad percent-encoding, long parameters, headers, parser errors', async () => {
    const auth = { authorization: `Bearer ${server.key}` };
    const cases: [Buffer | string, number, string][] = [
      [httpRequest('GET', '/v1/payment_intents/%E0%A4%A', auth), 400, 'url_invalid'],
      [httpRequest('GET', '/%76%/balance', auth), 400, 'url_invalid'],
      [httpRequest('GET', `/v1/payment_intents/pi_${'a'.repeat(300)}`, auth), 414, 'url_too_long'],
      [httpRequest('GET', `/v1/balance?${'a'.repeat(20_000)}`, auth), 414, 'url_too_long'],
      [
        httpRequest('GET', '/v1/balance', { ...auth, 'x-big': 'a'.repeat(20_000) }),
        431,
        'header_fields_too_large',
      ],
      ['GET /v1/balance HTTP/1.1 junk\r\nHost: x\r\n\r\n', 400, 'request_malformed'],
      ['FOO /v1/balance HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'request_malformed'],
      ['GET /v1/balance HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400, 'request_malformed'],
      [
        'POST /v1/refunds HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        'request_malformed',
      ],
      ['GET /v1/balance HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'request_malformed'], // no Host
      [httpRequest('DELETE', '/v1/balance', auth), 405, 'method_not_allowed'],
      [httpRequest('PUT', '/v1/payment_intents/pi_1/confirm'), 405, 'method_not_allowed'],
      [httpRequest('GET', '/v2/balance', auth), 404, 'url_unrecognized'],
    ];
    for (const [request, status, code] of cases) {
      const res = await rawRequest(server.port, request);
      const label = String(request).slice(0, 60);
      expect([res.status, res.json?.error?.type, res.json?.error?.code], label).toEqual([
        status,
        'invalid_request_error',
        code,
      ]);
      expect(res.json.error.message, label).toEqual(expect.any(String));
    }
    const notAllowed = await rawRequest(server.port, httpRequest('DELETE', '/v1/payment_intents', auth));
    expect(notAllowed.headers.allow).toBe('GET, HEAD, POST');
  });
});
