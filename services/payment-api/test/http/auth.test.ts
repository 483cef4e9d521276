import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/app/deps.js';
import { Authenticator, presentedKey } from '../../src/http/auth.js';
import type { ApiError } from '../../src/http/errors.js';
import { createLogger } from '../../src/logger.js';
import { deriveServiceKeys } from '../../src/secrets.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';

describe('presentedKey: the Authorization header, strictly', () => {
  it('reads Bearer and Basic (key as the user name, any password)', () => {
    expect(presentedKey(`Bearer ${KEY}`)).toEqual({ kind: 'key', key: KEY });
    expect(presentedKey(`bearer   ${KEY}`)).toEqual({ kind: 'key', key: KEY });
    expect(presentedKey(`Basic ${b64(`${KEY}:`)}`)).toEqual({ kind: 'key', key: KEY });
    expect(presentedKey(`BASIC ${b64(`${KEY}:ignored`)}`)).toEqual({ kind: 'key', key: KEY });
    expect(presentedKey(`Basic ${b64(KEY)}`)).toEqual({ kind: 'key', key: KEY });
  });

  it('treats an absent or empty credential as a missing key', () => {
    for (const header of [
      undefined,
      '',
      '   ',
      'Bearer',
      'Basic',
      `Basic ${b64(':')}`,
      `Basic ${b64(':pw')}`,
    ]) {
      expect(presentedKey(header), String(header)).toEqual({ kind: 'missing' });
    }
  });

  it('refuses everything that is not exactly one well-formed credential', () => {
    const malformed = [
      `Bearer ${KEY} junk`, // a second token
      `Bearer ${KEY},other`,
      `Bearer\t${KEY}`,
      `Token ${KEY}`,
      KEY, // no scheme
      `Basic ${b64(`${KEY}:`)} extra`,
      'Basic !!!notbase64',
      'Basic c2tfdGVzdF9h=YWJj', // padding inside
      `Basic ${b64('sk_test_abc\0\0\0\0:')}`, // NULs in the decoded value
      `Basic ${b64('sk_test_ab\u0001c:')}`,
      `Basic ${b64('sk_test_é:')}`, // not printable ASCII
      `Basic ${Buffer.from([0x73, 0x6b, 0xff, 0xfe, 0x3a]).toString('base64')}`, // not UTF-8
      'Bearer sk_test_\u00e9',
    ];
    for (const header of malformed) expect(presentedKey(header), header).toEqual({ kind: 'malformed' });
  });
});

/** A database that records every statement's parameters and refuses those `failing` says it should. */
function recordingDb(failing: (params: readonly unknown[]) => boolean) {
  const written: unknown[][] = [];
  const db = {
    kind: 'postgres' as const,
    async query(_text: string, params: readonly unknown[] = []) {
      if (failing(params)) throw new Error('database unavailable');
      written.push([...params]);
      return { rows: [], rowCount: 0 };
    },
  };
  return { db, written };
}

const request = (id: string): FastifyRequest =>
  ({
    headers: {},
    ip: '203.0.113.5',
    id,
    method: 'GET',
    routeOptions: { url: '/v1/balance' },
  }) as unknown as FastifyRequest;

const actions = (written: unknown[][]) => written.map((params) => (params[2] as string[])[0]);

function capturedLog() {
  const lines: string[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const refuse = async (auth: Authenticator, id: string) =>
  auth.authenticate(request(id)).then(
    () => 'authenticated',
    (err: unknown) => (err as ApiError).status,
  );

const isSummary = (params: readonly unknown[]) => (params[2] as string[])[0] === 'auth.authenticate_repeated';

describe('Authenticator: failed attempts are never lost', () => {
  const T0 = 1_800_000_000_000;

  it('keeps a summary the database refused and writes it with the next one', async () => {
    let refuseSummaries = true;
    const { db, written } = recordingDb((params) => refuseSummaries && isSummary(params));
    const { log, entries } = capturedLog();
    const clock = { now: T0 };
    const deps = { db, keys: deriveServiceKeys(randomBytes(32)) } as unknown as Deps;
    const auth = new Authenticator(deps, log, { throttle: { perSource: 1000 }, now: () => clock.now });
    for (const id of ['req_1', 'req_2', 'req_3']) expect(await refuse(auth, id)).toBe(401);
    expect(actions(written)).toEqual(['auth.authenticate']);
    clock.now = T0 + 60_000; // the window closed: the next failure writes its summary, which is refused
    expect(await refuse(auth, 'req_4')).toBe(401);
    await auth.close().catch(() => undefined); // (waits for the pending write; refused again at shutdown)
    expect(entries().map((e) => e.msg)).toEqual([
      'audit of repeated authentication failures failed',
      'audit of repeated authentication failures failed',
      'unwritten audit of failed authentications',
    ]);
    expect(entries()[2]).toMatchObject({
      audit: 'auth.authenticate_repeated',
      summary: { sourceIp: '203.0.113.5', failures: 2, firstRequestId: 'req_2', lastRequestId: 'req_3' },
    });

    // the same again, but the database is back by shutdown: the kept summary is written then
    refuseSummaries = true;
    written.length = 0;
    clock.now = T0 + 120_000;
    const next = new Authenticator(deps, log, { throttle: { perSource: 1000 }, now: () => clock.now });
    for (const id of ['req_5', 'req_6']) await refuse(next, id);
    clock.now = T0 + 180_000;
    await refuse(next, 'req_7');
    await new Promise((resolve) => setTimeout(resolve, 10));
    refuseSummaries = false;
    await next.close();
    expect(actions(written)).toEqual([
      'auth.authenticate',
      'auth.authenticate',
      'auth.authenticate_repeated',
    ]);
    const details = JSON.parse((written[2]?.[8] as string[])[0] ?? '{}') as Record<string, unknown>;
    expect(details).toMatchObject({
      failures: 1,
      reasons: { missing_key: 1 },
      first_request_id: 'req_6',
      window_start: new Date(T0 + 120_000).toISOString(),
    });
  });
});
