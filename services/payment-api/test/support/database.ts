import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresDatabase } from '../../src/db/postgres.js';

/** Local PostgreSQL used by the tests (trust auth); override with TEST_PGHOST etc. */
export const TEST_PG = {
  host: process.env.TEST_PGHOST ?? '127.0.0.1',
  port: Number(process.env.TEST_PGPORT ?? 5432),
  user: process.env.TEST_PGUSER ?? 'postgres',
  password: process.env.TEST_PGPASSWORD,
};

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...TEST_PG, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  readonly db: PostgresDatabase;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database tessera_api_<random> for one test file, with a pool of `poolMax` connections and
 * any further pool settings (e.g. `lock_timeout`); drop() closes the pool and removes the database.
 */
export async function createTestDatabase(poolMax = 10, pool: pg.PoolConfig = {}): Promise<TestDatabase> {
  const name = `tessera_api_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const db = new PostgresDatabase({ ...TEST_PG, ...pool, database: name, max: poolMax });
  return {
    name,
    db,
    async drop() {
      await db.close().catch(() => undefined);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
