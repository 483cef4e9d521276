import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../src/app/merchants.js';
import type { Queryable } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { deriveServiceKeys } from '../../src/secrets.js';
import { reapExpiredCvcs } from '../../src/store/payment-method-store.js';
import { spawnApi, testDatabaseEnv, type ApiProcess } from '../support/api-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { call, startTestServer, type TestServer } from '../support/server.js';

const CVC_FAILS = '4000000000000101'; // Stripe: approves without a CVC; with one, fails the check and declines

/** The CVC check the acquirer reported for an intent's latest charge: on the intent row and in its charge event. */
async function cvcCheck(db: Queryable, intentId: string) {
  const { rows } = await db.query<{ stored: string | null; evented: string | null }>(
    `SELECT pi.cvc_check AS stored,
            (SELECT e->'data'->'object'->'payment_method_details'->'card'->'checks'->>'cvc_check'
               FROM outbox o, jsonb_array_elements(o.events) e
              WHERE e->>'type' LIKE 'charge.%' AND e->'data'->'object'->>'payment_intent' = pi.id
              ORDER BY o.created_at DESC LIMIT 1) AS evented
       FROM payment_intents pi WHERE pi.id = $1`,
    [intentId],
  );
  expect(rows[0]?.evented).toBe(rows[0]?.stored);
  return rows[0]?.stored;
}

const sealedCvcs = async (db: Queryable, pm: string) =>
  Number(
    (
      await db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM payment_method_cvcs WHERE payment_method_id = $1',
        [pm],
      )
    ).rows[0]?.n,
  );

describe('the CVC across two server processes on one database', () => {
  const hmac = randomBytes(32).toString('base64');
  // Shared key material, as the KMS key and the fingerprint secret are shared by every task in AWS.
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cvc-'));
  let tdb: TestDatabase;
  let apis: ApiProcess[] = [];
  let one: { url: string; key: string };
  let two: { url: string; key: string };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    await migrate(tdb.db);
    const env = { ...testDatabaseEnv(tdb.name, hmac, dataDir), LOG_LEVEL: 'warn' };
    apis = [spawnApi(env), spawnApi(env)];
    const [url1, url2] = await Promise.all(apis.map((api) => api.url));
    const { key } = await createMerchant(
      tdb.db,
      deriveServiceKeys(Buffer.from(hmac, 'base64')),
      'CVC',
      'test',
    );
    one = { url: url1 as string, key: key.secret };
    two = { url: url2 as string, key: key.secret };
  }, 60_000);
  afterAll(async () => {
    for (const api of apis) api.child.kill('SIGTERM');
    await Promise.all(apis.map((api) => api.exited));
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const paymentMethod = async (server: { url: string; key: string }, number: string) => {
    const res = await call(server, 'POST', '/v1/payment_methods', {
      form: { type: 'card', card: { number, exp_month: 12, exp_year: 2040, cvc: '319' } },
    });
    expect(res.status).toBe(200);
    return res.json.id as string;
  };
  const pay = (server: { url: string; key: string }, pm: string) =>
    call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1500, currency: 'usd', payment_method: pm, confirm: true },
    });

  it('created on one process, confirmed on the other: the acquirer gets the CVC once, the next confirm none', async () => {
    const pm = await paymentMethod(one, '4242424242424242');
    expect(await sealedCvcs(tdb.db, pm)).toBe(1);
    const first = await pay(two, pm);
    expect([first.status, first.json.status]).toEqual([200, 'succeeded']);
    expect(await cvcCheck(tdb.db, first.json.id)).toBe('pass');
    expect(await sealedCvcs(tdb.db, pm)).toBe(0);
    for (const server of [two, one]) {
      const again = await pay(server, pm);
      expect(again.status).toBe(200);
      expect(await cvcCheck(tdb.db, again.json.id)).toBeNull();
    }
  });

  it("an incorrect CVC collected on one process is refused by the other's authorization", async () => {
    const pm = await paymentMethod(one, CVC_FAILS);
    const refused = await pay(two, pm);
    expect([refused.status, refused.json.error.code]).toEqual([402, 'incorrect_cvc']);
    expect(await cvcCheck(tdb.db, refused.json.error.payment_intent.id)).toBe('fail');
    // the CVC went with that authorization: a second one has none to fail
    const second = await pay(one, pm);
    expect(second.status).toBe(200);
    expect(await cvcCheck(tdb.db, second.json.id)).toBeNull();
  });
});

describe('the sealed CVC until its deadline', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CVC_TTL_SECONDS: '120' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = async (cvc: string) => {
    const res = await call(server, 'POST', '/v1/payment_methods', {
      form: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc } },
    });
    expect(res.status).toBe(200);
    return res.json.id as string;
  };

  it('is stored as ciphertext only, for the configured time', async () => {
    const pm = await create('827');
    const { rows } = await server.db.query<{ ciphertext: Buffer; seconds: number }>(
      `SELECT ciphertext, extract(epoch FROM expires_at - clock_timestamp())::int AS seconds
         FROM payment_method_cvcs WHERE payment_method_id = $1`,
      [pm],
    );
    expect(rows[0]?.ciphertext.toString('latin1')).not.toContain('827');
    expect(rows[0]?.seconds).toBeGreaterThan(60);
    expect(rows[0]?.seconds).toBeLessThanOrEqual(120);
  });

  it('is never used once expired, and the reaper deletes it', async () => {
    const stale = await create('123');
    const kept = await create('456');
    await server.db.query(
      `UPDATE payment_method_cvcs SET expires_at = clock_timestamp() - interval '1 second' WHERE payment_method_id = $1`,
      [stale],
    );
    const late = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 100, currency: 'usd', payment_method: stale, confirm: true },
    });
    expect(late.status).toBe(200);
    expect(await cvcCheck(server.db, late.json.id)).toBeNull();
    expect(await sealedCvcs(server.db, stale)).toBe(0);
    await server.db.query(
      `UPDATE payment_method_cvcs SET expires_at = clock_timestamp() - interval '1 second' WHERE payment_method_id = $1`,
      [kept],
    );
    expect(await reapExpiredCvcs(server.db)).toBe(1);
    expect(await sealedCvcs(server.db, kept)).toBe(0);
  });

  it('is taken by a declined authorization too (PCI DSS 3.3.1: nothing is kept after authorization)', async () => {
    const res = await call(server, 'POST', '/v1/payment_methods', {
      form: { type: 'card', card: { number: '4000000000000002', exp_month: 12, exp_year: 2040, cvc: '777' } },
    });
    const pm = res.json.id as string;
    const declined = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 100, currency: 'usd', payment_method: pm, confirm: true },
    });
    expect(declined.status).toBe(402);
    expect(await cvcCheck(server.db, declined.json.error.payment_intent.id)).toBe('pass');
    expect(await sealedCvcs(server.db, pm)).toBe(0);
  });
});
