import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { TEST_PG } from '../support/database.js';

// Roles are cluster-wide: a random suffix keeps parallel runs apart; both are dropped afterwards.
const suffix = randomBytes(4).toString('hex');
const DATABASE = `tessera_api_owner_${suffix}`;
const BASE = `tessera_api_owner_${suffix}`;
const CLONE = `${BASE}_clone`;

async function admin<T>(database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...TEST_PG, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin('postgres', async (c) => {
    // As the data stack's bootstrap leaves it (ADR 0010): a NOLOGIN base role with CONNECT/CREATE, and the
    // rotation's clone as a member of it.
    await c.query(`CREATE ROLE ${BASE} NOLOGIN`);
    await c.query(`CREATE ROLE ${CLONE} LOGIN IN ROLE ${BASE}`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
    await c.query(`GRANT CONNECT, CREATE ON DATABASE ${DATABASE} TO ${BASE}`);
  });
  await admin(DATABASE, (c) => c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${BASE}`));
});

afterAll(async () => {
  await admin('postgres', async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${CLONE}`);
    await c.query(`DROP ROLE IF EXISTS ${BASE}`);
  });
});

async function owners(): Promise<{ relname: string; owner: string }[]> {
  return admin(DATABASE, async (c) => {
    const { rows } = await c.query<{ relname: string; owner: string }>(
      `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')`,
    );
    return rows;
  });
}

describe('migrations under DATABASE_OWNER_ROLE', () => {
  it('the clone user runs them and every table and sequence is owned by the base role', async () => {
    const db = new PostgresDatabase({ ...TEST_PG, user: CLONE, database: DATABASE, max: 2 });
    try {
      expect(await migrate(db, undefined, { ownerRole: BASE })).not.toEqual([]);
      // The session is back to the login user when it returns to the pool.
      const { rows } = await db.query<{ u: string }>('SELECT current_user AS u');
      expect(rows[0]?.u).toBe(CLONE);
      // Applying again finds nothing to do (and takes the same lock and role switch).
      expect(await migrate(db, undefined, { ownerRole: BASE })).toEqual([]);
    } finally {
      await db.close();
    }
    const relations = await owners();
    expect(relations.map((r) => r.relname)).toContain('schema_migrations');
    expect(relations.length).toBeGreaterThan(3);
    expect(relations.filter((r) => r.owner !== BASE)).toEqual([]);
  });

  it('without the owner role the objects would belong to the login user (why the option exists)', async () => {
    const db = new PostgresDatabase({ ...TEST_PG, user: CLONE, database: DATABASE, max: 1 });
    try {
      await db.query('CREATE TABLE owner_probe (id int)');
    } finally {
      await db.close();
    }
    const probe = (await owners()).find((r) => r.relname === 'owner_probe');
    expect(probe?.owner).toBe(CLONE);
  });
});
