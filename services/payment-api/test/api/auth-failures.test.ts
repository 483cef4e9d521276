import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpRequest, rawRequest } from '../support/raw-http.js';
import { call, startTestServer, type TestServer } from '../support/server.js';

interface AuditRow {
  action: string;
  source_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

let tdb: TestDatabase | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  await tdb?.drop();
  server = undefined;
  tdb = undefined;
});

/** A server on a database that outlives it, so what its shutdown writes can be read afterwards. */
async function start(opts: Parameters<typeof startTestServer>[0] = {}) {
  tdb = await createTestDatabase();
  server = await startTestServer({ db: tdb.db, trustProxy: true, ...opts });
  return server;
}

async function platformAudit(): Promise<AuditRow[]> {
  const { rows } = await (tdb as TestDatabase).db.query<AuditRow>(
    `SELECT action, source_ip, request_id, details FROM audit_log
      WHERE chain_id = '_platform' ORDER BY occurred_at, id`,
  );
  return rows;
}

const from = (ip: string, authorization?: string) => ({
  key: null,
  headers: { 'x-forwarded-for': ip, ...(authorization === undefined ? {} : { authorization }) },
});

describe('malformed credentials', () => {
  it('answers 401 and audits Basic credentials with NULs and a Bearer token with junk after it', async () => {
    const s = await start();
    const nul = await rawRequest(
      s.port,
      httpRequest('GET', '/v1/balance', {
        authorization: `Basic ${Buffer.from('sk_test_abc\0\0\0\0\0:').toString('base64')}`,
      }),
    );
    expect([nul.status, nul.json?.error?.type, nul.json?.error?.code]).toEqual([
      401,
      'authentication_error',
      'api_key_invalid',
    ]);
    // a valid key followed by anything is not that key
    const junk = await call(s, 'GET', '/v1/balance', {
      key: null,
      headers: { authorization: `Bearer ${s.key} junk` },
    });
    expect([junk.status, junk.json.error.code]).toEqual([401, 'api_key_invalid']);
    expect(junk.text).not.toContain(s.key.slice(8));
    const rows = await platformAudit();
    expect(rows).toEqual([
      expect.objectContaining({ action: 'auth.authenticate', request_id: nul.headers['request-id'] }),
    ]);
    expect(rows[0]?.details).toEqual({
      reason: 'malformed_authorization',
      key_hint: null,
      method: 'GET',
      path: '/v1/balance',
    });
    // the second failure of the source went into the window's summary, written at shutdown
    await s.close();
    server = undefined;
    const after = await platformAudit();
    expect(after.map((r) => r.action)).toEqual(['auth.authenticate', 'auth.authenticate_repeated']);
    expect(after[1]?.details).toMatchObject({
      failures: 1,
      reasons: { malformed_authorization: 1 },
      first_request_id: junk.headers.get('request-id'),
    });
  });
});

describe('the failed-authentication throttle', () => {
  it('answers 429 rate_limit to a source over its limit — even with a valid key — and loses no attempt', async () => {
    const s = await start({ authThrottle: { perSource: 3, perKeyPrefix: 1000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (await call(s, 'GET', '/v1/balance', from('198.51.100.7', `Bearer sk_test_wrong${i}xxxxxxxxxxxx`)))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const limited = await call(s, 'GET', '/v1/balance', from('198.51.100.7', `Bearer ${s.key}`));
    expect(limited.status).toBe(429);
    expect(limited.json.error).toEqual({
      type: 'rate_limit_error',
      code: 'rate_limit',
      message: expect.stringMatching(/^Too many failed authentications .* retry in \d+ s\.$/),
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // other sources are unaffected
    expect((await call(s, 'GET', '/v1/balance', from('198.51.100.8', `Bearer ${s.key}`))).status).toBe(200);

    expect((await platformAudit()).length).toBe(1); // the first failure; no row per attempt
    await s.close();
    server = undefined;
    const rows = await platformAudit();
    expect(rows.map((r) => [r.action, r.source_ip])).toEqual([
      ['auth.authenticate', '198.51.100.7'],
      ['auth.authenticate_repeated', '198.51.100.7'],
    ]);
    expect(rows[1]?.details).toMatchObject({
      failures: 6, // 2 more invalid keys, 4 refused by the limit (the valid key among them)
      reasons: { invalid_key: 2, rate_limited: 4 },
      paths: { 'GET /v1/balance': 6 },
      key_hints: expect.arrayContaining(['sk_test_********xxxx']),
    });
  });

  it('limits a presented key prefix across sources', async () => {
    const s = await start({ authThrottle: { perSource: 1000, perKeyPrefix: 2 } });
    const wrong = 'Bearer sk_test_LEAKxxxxxxxxxxxxxxxxxxxx';
    const statuses = [];
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      statuses.push((await call(s, 'GET', '/v1/balance', from(ip, wrong))).status);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
    // another key from the same sources still authenticates
    expect((await call(s, 'GET', '/v1/balance', from('192.0.2.4', `Bearer ${s.key}`))).status).toBe(200);
  });

  it('writes the summary of a closed window without waiting for shutdown, and then lets the source in again', async () => {
    const s = await start({ authThrottle: { perSource: 2, perKeyPrefix: 1000, windowMs: 2000 } });
    for (let i = 0; i < 4; i += 1) await call(s, 'GET', '/v1/refunds', from('203.0.113.77'));
    // every attempt is accounted for: one record each for the first of a window, the others in its summary
    const recorded = (rows: AuditRow[]) =>
      rows.reduce((n, r) => n + (r.action === 'auth.authenticate' ? 1 : Number(r.details.failures)), 0);
    const deadline = Date.now() + 10_000;
    let rows = await platformAudit();
    while (recorded(rows) < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await platformAudit();
    }
    expect(recorded(rows)).toBe(4);
    expect(rows.find((r) => r.action === 'auth.authenticate_repeated')?.details).toMatchObject({
      reasons: { missing_key: 1, rate_limited: 2 },
      failures: 3,
    });
    expect((await call(s, 'GET', '/v1/refunds', from('203.0.113.77', `Bearer ${s.key}`))).status).toBe(200);
  });
});
