import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type PostgresConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { toApiError } from '../../src/http/error-mapping.js';
import { createTestDatabase, TEST_PG, type TestDatabase } from '../support/database.js';

let tdb: TestDatabase;
let db: PostgresDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase(1);
  const config = loadConfig({
    PGHOST: TEST_PG.host,
    PGPORT: String(TEST_PG.port),
    PGUSER: TEST_PG.user,
    PGDATABASE: tdb.name,
    DB_STATEMENT_TIMEOUT_MS: '300',
    DB_LOCK_TIMEOUT_MS: '100',
    DB_POOL_MAX: '1',
  });
  db = new PostgresDatabase((config.database as PostgresConfig).pool);
  await migrate(tdb.db);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('statement and lock timeouts from the configuration', () => {
  it('cancels a statement running longer than DB_STATEMENT_TIMEOUT_MS', async () => {
    await expect(db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    expect((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it("gives up a row lock after DB_LOCK_TIMEOUT_MS, answered as Stripe's 429 lock_timeout", async () => {
    await tdb.db.query(`INSERT INTO merchants (id, name) VALUES ('acct_locked', 'Locked')`);
    const holder = new pg.Client({ ...TEST_PG, database: tdb.name });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM merchants WHERE id = 'acct_locked' FOR UPDATE`);
      const waited = await db
        .query(`UPDATE merchants SET name = 'Renamed' WHERE id = 'acct_locked'`)
        .catch((e: unknown) => e);
      expect(waited).toMatchObject({ code: '55P03' });
      const { error } = toApiError(waited);
      expect([error.status, error.type, error.code]).toEqual([429, 'invalid_request_error', 'lock_timeout']);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('lifts both for migrations (they wait for other instances and for running queries), then restores them', async () => {
    await migrate(db);
    const { rows } = await db.query<{ lock: string; statement: string }>(
      `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement`,
    );
    expect(rows).toEqual([{ lock: '100ms', statement: '300ms' }]);
  });
});
