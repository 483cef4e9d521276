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
  it('reaps keys older than the retention period and keeps younger ones and unfinished attempts', async () => {
    for (const key of ['key-old', 'key-young', 'key-unfinished', 'key-crashed']) {
      const ref = { merchantId, key };
      const request = { hash: `hash-${key}`, method: 'POST', path: '/v1/payment_intents' };
      const resume = key === 'key-unfinished' ? { operation: 'refund.create' } : null;
      expect(await claimKey(tdb.db, ref, request, 60, { attempt: `att-${key}`, resume })).toEqual({
        action: 'claimed',
        attempt: `att-${key}`,
        afterAcquirer: false,
      });
      if (!['key-unfinished', 'key-crashed'].includes(key)) await completeKey(tdb.db, ref, 200, '{}');
    }
    await tdb.db.query(
      `UPDATE idempotency_keys SET created_at = clock_timestamp() - interval '25 hours'
        WHERE key IN ('key-old', 'key-unfinished', 'key-crashed')`,
    );
    await tdb.db.query(
      `UPDATE idempotency_keys SET created_at = clock_timestamp() - interval '23 hours' WHERE key = 'key-young'`,
    );
    // key-crashed never reached the acquirer (no resume): its request committed nothing, it goes too
    expect(await reapKeys(tdb.db, 24)).toBe(2);
    const left = await tdb.db.query<{ key: string }>(
      `SELECT key FROM idempotency_keys WHERE merchant_id = $1 ORDER BY key`,
      [merchantId],
    );
    expect(left.rows.map((r) => r.key)).toEqual(['key-unfinished', 'key-young']);
  });
});
