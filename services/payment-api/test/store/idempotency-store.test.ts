import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { claimKey, completeKey, reapKeys } from '../../src/store/idempotency-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let tdb: TestDatabase;
const merchantId = 'acct_reaper';

beforeAll(async () => {
  tdb = await createTestDatabase(2);
  await migrate(tdb.db);
  await tdb.db.query(`INSERT INTO merchants (id, name) VALUES ($1, 'Reaper')`, [merchantId]);
});
afterAll(async () => {
  await tdb?.drop();
});

describe('idempotency keys', () => {
  it('reaps keys older than the retention period and keeps younger ones', async () => {
    for (const key of ['key-old', 'key-young']) {
      const ref = { merchantId, key };
      const request = { hash: `hash-${key}`, method: 'POST', path: '/v1/payment_intents' };
      expect(await claimKey(tdb.db, ref, request, 60)).toEqual({ action: 'claimed' });
      await completeKey(tdb.db, ref, 200, '{}');
    }
    await tdb.db.query(
      `UPDATE idempotency_keys SET created_at = clock_timestamp() - interval '25 hours' WHERE key = 'key-old'`,
    );
    await tdb.db.query(
      `UPDATE idempotency_keys SET created_at = clock_timestamp() - interval '23 hours' WHERE key = 'key-young'`,
    );
    expect(await reapKeys(tdb.db, 24)).toBe(1);
    const left = await tdb.db.query<{ key: string }>(
      `SELECT key FROM idempotency_keys WHERE key IN ('key-old', 'key-young')`,
    );
    expect(left.rows.map((r) => r.key)).toEqual(['key-young']);
  });
});
