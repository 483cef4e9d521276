import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { createCard, startTestServer, type TestServer } from '../support/server.js';

/**
 * Property-based fuzzing of the real server on 127.0.0.1 with malformed requests, written byte for byte on
 * raw sockets (fetch would normalise paths, headers and encodings). The property, for every category:
 * no response is 5xx, and every 4xx is Stripe's envelope { error: { type, code, message, param? } }.
 * Bounded: RUNS requests per category, each with a timeout.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** The error types of the envelope, as /openapi.json documents them. */
const envelope = openApiDocument().components.schemas.Error.properties.error as {
  properties: { type: { enum: string[] } };
};
const TYPES = new Set(envelope.properties.type.enum);

let server: TestServer;
let pm: string;
let pi: string;

beforeAll(async () => {
  // The auth fuzzing fails thousands of authentications from one address: keep the throttle out of the way.
  server = await startTestServer({ authThrottle: { perSource: 1_000_000, perKeyPrefix: 1_000_000 } });
  pm = await createCard(server);
  const res = await fetch(`${server.url}/v1/payment_intents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: `amount=500&currency=usd&payment_method=${pm}&confirm=true&capture_method=manual`,
  });
  pi = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  await server?.close();
});

/** What is wrong with a response, or null when it satisfies the property. */
function violation(method: string, res: RawResponse): string | null {
  if (res.status >= 500) return `status ${res.status}: ${res.body.slice(0, 200)}`;
  if (res.status < 400 || method === 'HEAD') return null;
  const error = (res.json as { error?: Record<string, unknown> } | null)?.error;
  if (!error) return `status ${res.status} without the envelope: ${res.body.slice(0, 200)}`;
  if (!TYPES.has(error.type as string)) return `unknown error type ${String(error.type)}`;
  if (typeof error.code !== 'string' || error.code === '') return `no code: ${res.body.slice(0, 200)}`;
  if (typeof error.message !== 'string') return `no message: ${res.body.slice(0, 200)}`;
  if (error.param !== undefined && typeof error.param !== 'string') return `param ${String(error.param)}`;
  return null;
}

interface Wire {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
}

/** The request as bytes; headers are latin1 (one byte per character), Content-Length always right. */
function serialize(wire: Wire): Buffer {
  const head = [`${wire.method} ${wire.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of wire.headers) head.push(`${name}: ${value}`);
  if (wire.body !== undefined) head.push(`Content-Length: ${wire.body.length}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), wire.body ?? Buffer.alloc(0)]);
}

async function holds(wire: Wire): Promise<boolean> {
  const res = await rawRequest(server.port, serialize(wire));
  const problem = violation(wire.method, res);
  if (problem) throw new Error(`${wire.method} ${wire.target.slice(0, 120)} → ${problem}`);
  return true;
}

const check = (arbitrary: fc.Arbitrary<Wire>) =>
  fc.assert(fc.asyncProperty(arbitrary, holds), { numRuns: RUNS, endOnFailure: true });

// ---- building blocks ----

/** Single UTF-16 code units, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
/** Strings that break things: NUL, lone and paired surrogates, controls, BOM, RTL, combining marks, escapes. */
const nastyText = fc.oneof(
  fc.constantFrom(
    '\0',
    'a\0b',
    '\ud800',
    '\udfff',
    'x\ud83d',
    '\ude00y',
    '😀',
    '\ufeff',
    '\u202e',
    'e\u0301',
    '\u2028',
    '\uffff',
    '\x7f\x01',
    '%00',
    '\\u0000',
    "'; DROP TABLE payment_intents; --",
    '[',
    ']',
    '[]',
    '&',
    '=',
    '+',
    '%',
    '',
  ),
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** Percent-encodes the UTF-16 code units as WTF-8 bytes, so a lone surrogate travels as %ED%A0%80. */
function wtf8Escape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    let bytes: number[];
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = [...Buffer.from(text.slice(i, i + 2), 'utf8')];
      i += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
    } else {
      bytes = [...Buffer.from(String.fromCharCode(unit), 'utf8')];
    }
    out += bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
  return out;
}

const auth = (): [string, string] => ['Authorization', `Bearer ${server.key}`];
const form = (body: string): Pick<Wire, 'headers' | 'body'> => ({
  headers: [auth(), ['Content-Type', 'application/x-www-form-urlencoded']],
  body: Buffer.from(body, 'latin1'),
});
const json = (text: string): Pick<Wire, 'headers' | 'body'> => ({
  headers: [auth(), ['Content-Type', 'application/json']],
  body: Buffer.from(text, 'utf8'),
});

const KNOWN_KEYS = [
  'amount',
  'currency',
  'description',
  'payment_method',
  'confirm',
  'capture_method',
  'metadata[order]',
  'payment_method_types[]',
  'payment_method_types[0]',
  'card[number]',
  'card[exp_month]',
  'card[cvc]',
  'payment_intent',
  'reason',
  'amount_to_capture',
  'cancellation_reason',
  'limit',
  'starting_after',
  'ending_before',
  'expand[]',
];
const POST_PATHS = () => [
  '/v1/payment_intents',
  '/v1/payment_methods',
  '/v1/refunds',
  `/v1/payment_intents/${pi}/confirm`,
  `/v1/payment_intents/${pi}/capture`,
  `/v1/payment_intents/${pi}/cancel`,
];
const GET_PATHS = () => [
  '/v1/payment_intents',
  '/v1/refunds',
  '/v1/balance',
  `/v1/payment_intents/${pi}`,
  `/v1/payment_methods/${pm}`,
];
const postPath = fc.constantFrom(...[0, 1, 2, 3, 4, 5]).map((i) => POST_PATHS()[i] as string);
const getPath = fc.constantFrom(...[0, 1, 2, 3, 4]).map((i) => GET_PATHS()[i] as string);

describe('fuzzing the real server: no 5xx, every 4xx in the envelope', () => {
  it('NUL, surrogates and odd Unicode in every parameter position', async () => {
    const position = fc.oneof(
      // path id
      fc
        .tuple(fc.constantFrom('/v1/payment_intents/', '/v1/payment_methods/', '/v1/refunds/'), nastyText)
        .map(([base, text]): Wire => ({
          method: 'GET',
          target: `${base}pi_${wtf8Escape(text)}`,
          headers: [auth()],
        })),
      fc.tuple(fc.constantFrom('confirm', 'capture', 'cancel'), nastyText).map(([action, text]): Wire => ({
        method: 'POST',
        target: `/v1/payment_intents/${wtf8Escape(`pi_${text}`)}/${action}`,
        ...form(''),
      })),
      // query keys and values
      fc
        .tuple(getPath, fc.constantFrom(...KNOWN_KEYS, 'x'), nastyText, fc.boolean())
        .map(([path, key, text, inKey]): Wire => ({
          method: 'GET',
          target: `${path}?${inKey ? wtf8Escape(`${key}${text}`) : key}=${inKey ? '1' : wtf8Escape(text)}`,
          headers: [auth()],
        })),
      // form keys and values
      fc
        .tuple(postPath, fc.constantFrom(...KNOWN_KEYS), nastyText, fc.boolean())
        .map(([path, key, text, inKey]): Wire => ({
          method: 'POST',
          target: path,
          ...form(
            `amount=100&currency=usd&payment_intent=${pi}&` +
              (inKey ? `metadata[${wtf8Escape(text)}]=v` : `${key}=${wtf8Escape(text)}`),
          ),
        })),
      // JSON values and keys, nested where metadata and cards nest
      fc
        .tuple(
          postPath,
          fc.constantFrom(...KNOWN_KEYS),
          nastyText,
          fc.constantFrom('value', 'key', 'card', 'list'),
        )
        .map(([path, key, text, where]): Wire => {
          const base: Record<string, unknown> = { amount: 100, currency: 'usd', payment_intent: pi };
          if (where === 'value') base[key] = text;
          if (where === 'key') base.metadata = { [text]: 'v' };
          if (where === 'card') base.card = { number: text, exp_month: 12, exp_year: 2040, cvc: text };
          if (where === 'list') base.payment_method_types = [text, 'card'];
          return { method: 'POST', target: path, ...json(JSON.stringify(base)) };
        }),
    );
    await check(position);
  });

  it('bad percent-encoding and bytes that are not UTF-8, in the path, the query and the body', async () => {
    const garbage = fc.oneof(
      fc.constantFrom(
        '%',
        '%%',
        '%0',
        '%zz',
        '%E0%A4%A',
        '%C0%AF',
        '%ED%A0%80',
        '%FF',
        '%F4%90%80%80',
        '%c3',
      ),
      fc
        .uint8Array({ maxLength: 6 })
        .map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')),
    );
    const request = fc.oneof(
      fc.tuple(getPath, garbage, fc.nat()).map(([path, bad, at]): Wire => {
        const i = 1 + (at % (path.length - 1));
        return { method: 'GET', target: `${path.slice(0, i)}${bad}${path.slice(i)}`, headers: [auth()] };
      }),
      fc.tuple(getPath, garbage).map(([path, bad]): Wire => ({
        method: 'GET',
        target: `${path}?limit=${bad}&${bad}=1`,
        headers: [auth()],
      })),
      fc.tuple(postPath, garbage).map(([path, bad]): Wire => ({
        method: 'POST',
        target: path,
        ...form(`amount=1${bad}&currency=usd&${bad}`),
      })),
      fc
        .tuple(
          postPath,
          fc.uint8Array({ maxLength: 64 }),
          fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        )
        .map(([path, bytes, type]): Wire => ({
          method: 'POST',
          target: path,
          headers: [auth(), ['Content-Type', type]],
          body: Buffer.concat([
            Buffer.from(type === 'application/json' ? '{"description":"' : 'description='),
            Buffer.from(bytes),
            Buffer.from(type === 'application/json' ? '"}' : ''),
          ]),
        })),
    );
    await check(request);
  });

  it('duplicate and conflicting parameters in the body and the query', async () => {
    const pairs = fc.array(
      fc.tuple(
        fc.constantFrom(...KNOWN_KEYS, 'metadata', 'card', 'metadata[order][x]'),
        fc.constantFrom('1', 'usd', 'card', pm, '', 'x'),
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    const request = fc.oneof(
      fc.tuple(postPath, pairs).map(([path, list]): Wire => ({
        method: 'POST',
        target: path,
        ...form([...list, ...list.slice(0, 1)].map(([k, v]) => `${k}=${v}`).join('&')),
      })),
      fc.tuple(getPath, pairs).map(([path, list]): Wire => ({
        method: 'GET',
        target: `${path}?${[...list, ...list.slice(0, 1)].map(([k, v]) => `${k}=${v}`).join('&')}`,
        headers: [auth()],
      })),
    );
    await check(request);
  });

  it('odd content types and charsets', async () => {
    const mediaType = fc.oneof(
      fc.mixedCase(
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data',
          'application/xml',
          '*/*',
        ),
      ),
      fc.constantFrom(
        '',
        'application/',
        '/json',
        'application/json/x',
        ';',
        'application/json;;',
        'json',
        'application/vnd.api+json',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
    );
    const parameter = fc.oneof(
      fc.constant(''),
      fc.mixedCase(
        fc.constantFrom(
          '; charset=utf-8',
          '; charset=UTF8',
          '; charset="utf-8"',
          '; charset=latin1',
          '; charset=utf-16le',
          '; charset=',
          '; charset="',
          '; boundary=x',
          ';charset=utf-8;charset=ascii',
        ),
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => `; ${s.replace(/[\r\n]/g, '')}`),
    );
    const body = fc.constantFrom(
      'amount=100&currency=usd',
      '{"amount":100,"currency":"usd"}',
      '',
      '<x/>',
      '{"amount":',
    );
    const request = fc.tuple(postPath, mediaType, parameter, body).map(([path, type, param, text]): Wire => ({
      method: 'POST',
      target: path,
      headers: [auth(), ['Content-Type', `${type}${param}`]],
      body: Buffer.from(text),
    }));
    await check(request);
  });

  it('malformed Authorization headers', async () => {
    const headerText = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((n) => String.fromCharCode(n)),
      maxLength: 60,
    });
    const credentials = fc.oneof(
      headerText,
      fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
      fc
        .tuple(fc.uint8Array({ maxLength: 8 }))
        .map(([b]) => Buffer.concat([Buffer.from(`${server.key}:`), Buffer.from(b)]).toString('base64')),
      fc.constantFrom(
        '',
        ' ',
        '=',
        '==',
        'a=b',
        '\t',
        'sk_test_',
        `${server.key} junk`,
        `${server.key},${server.key}`,
        Buffer.from('\0\0\0:').toString('base64'),
      ),
      headerText.map((junk) => `${server.key}${junk}`),
    );
    const value = fc
      .tuple(
        fc.mixedCase(fc.constantFrom('Bearer', 'Basic', 'Digest', 'Token', '')),
        fc.constantFrom(' ', '  ', '\t', ''),
        credentials,
      )
      .map(([scheme, gap, cred]) => `${scheme}${gap}${cred}`.replace(/[\r\n]/g, ''));
    const request = fc
      .tuple(getPath, value, fc.option(headerText))
      .map(([path, authorization, account]): Wire => ({
        method: 'GET',
        target: path,
        headers: [
          ['Authorization', authorization],
          ...(account === null ? [] : [['Stripe-Account', account] as [string, string]]),
        ],
      }));
    await check(request);
  });

  it('long paths, long and many headers, odd Idempotency-Keys', async () => {
    const request = fc.oneof(
      fc.integer({ min: 50, max: 20_000 }).map((n): Wire => ({
        method: 'GET',
        target: `/v1/payment_intents/pi_${'a'.repeat(n)}`,
        headers: [auth()],
      })),
      fc.integer({ min: 1, max: 20_000 }).map((n): Wire => ({
        method: 'GET',
        target: `/v1/payment_intents?limit=${'9'.repeat(n)}`,
        headers: [auth()],
      })),
      fc.integer({ min: 1_000, max: 40_000 }).map((n): Wire => ({
        method: 'GET',
        target: '/v1/balance',
        headers: [auth(), ['X-Padding', 'p'.repeat(n)]],
      })),
      fc.integer({ min: 1, max: 400 }).map((n): Wire => ({
        method: 'GET',
        target: '/v1/balance',
        headers: [
          auth(),
          ...Array.from({ length: n }, (_, i): [string, string] => [`X-H${i}`, 'v'.repeat(64)]),
        ],
      })),
      fc
        .string({
          unit: fc.integer({ min: 0x20, max: 0xff }).map((n) => String.fromCharCode(n)),
          maxLength: 400,
        })
        .map((key): Wire => ({
          method: 'POST',
          target: '/v1/payment_intents',
          headers: [auth(), ['Content-Type', 'application/x-www-form-urlencoded'], ['Idempotency-Key', key]],
          body: Buffer.from('amount=100&currency=usd'),
        })),
    );
    await check(request);
  });

  it('encoded, doubled, re-cased and foreign spellings of every route, with any method', async () => {
    const paths = [...GET_PATHS(), ...POST_PATHS(), '/health', '/ready', '/openapi.json', '/v1', '/', '*'];
    const spell = fc
      .tuple(
        fc.constantFrom(...paths),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom(
          'none',
          'slash',
          'double',
          'upper',
          'dot',
          'absolute',
          'encoded-slash',
          'query',
          'fragment',
        ),
      )
      .map(([path, positions, how]) => {
        let out = path;
        for (const p of positions) {
          const i = p % out.length;
          const c = out[i] as string;
          if (c !== '/' && c !== '*')
            out = `${out.slice(0, i)}%${c.charCodeAt(0).toString(16)}${out.slice(i + 1)}`;
        }
        switch (how) {
          case 'slash':
            return `${out}/`;
          case 'double':
            return out.replace('/', '//');
          case 'upper':
            return out.toUpperCase();
          case 'dot':
            return out.replace('/v1/', '/v1/./../v1/');
          case 'absolute':
            return `http://127.0.0.1${out}`;
          case 'encoded-slash':
            return out.replace(/\/([^/]*)$/, '%2F$1');
          case 'query':
            return `${out}?a=1&b[]=2`;
          case 'fragment':
            return `${out}#x`;
          default:
            return out;
        }
      });
    const request = fc
      .tuple(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), spell, fc.boolean())
      .map(([method, target, withKey]): Wire => ({
        method,
        target,
        headers: withKey ? [auth()] : [],
        ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: Buffer.from('') } : {}),
      }));
    await check(request);
  });

  it('garbage request lines and header syntax', async () => {
    const token = fc
      .string({
        unit: fc.integer({ min: 0x00, max: 0xff }).map((n) => String.fromCharCode(n)),
        maxLength: 30,
      })
      .map((s) => s.replace(/[\r\n]/g, ''));
    const request = fc
      .tuple(token, token, token, token)
      .map(([method, target, version, header]) =>
        Buffer.from(
          `${method || 'GET'} ${target || '/'} ${version || 'HTTP/1.1'}\r\nHost: x\r\nConnection: close\r\nX-${header}\r\n\r\n`,
          'latin1',
        ),
      );
    await fc.assert(
      fc.asyncProperty(request, async (bytes) => {
        const res = await rawRequest(server.port, bytes);
        const problem = violation(bytes.subarray(0, 5).toString('latin1') === 'HEAD ' ? 'HEAD' : 'GET', res);
        if (problem) throw new Error(`${JSON.stringify(bytes.toString('latin1').slice(0, 80))} → ${problem}`);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(true).toBe(true);
  });
});
