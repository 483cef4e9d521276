import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYTICS_READABLE_TABLES,
  VAULT_TABLES,
  readerGrantsSql,
  readerRoleSql,
} from '../../../lib/constructs/data/analytics-read-access.js';
import { bootstrapSql } from '../../../lib/constructs/data/database-user-bootstrap.js';

// The payment API's real migrations on the local PostgreSQL, the statements run as a CREATEROLE master that is
// not a superuser (as the Data API runs them on Aurora), and the read role used through its rotation clone.
const SERVER = { host: '127.0.0.1', port: 5432 };
const MIGRATIONS = new URL('../../../../services/payment-api/migrations/', import.meta.url);
const suffix = randomBytes(4).toString('hex');
const database = `analytics_read_${suffix}`;
const master = `analytics_master_${suffix}`;
const owner = `analytics_owner_${suffix}`;
const reader = `analytics_reader_${suffix}`;
const readerLogin = `${reader}_clone`;

async function withClient<T>(user: string, db: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...SERVER, user, database: db });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
const asSuperuser = <T>(work: (c: pg.Client) => Promise<T>) => withClient('postgres', 'postgres', work);
const asMaster = <T>(work: (c: pg.Client) => Promise<T>) => withClient(master, database, work);
const asReader = <T>(work: (c: pg.Client) => Promise<T>) => withClient(readerLogin, database, work);

function migrationTables(): string[] {
  return readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) => [...readFileSync(new URL(f, MIGRATIONS), 'utf8').matchAll(/CREATE TABLE (\w+)/g)])
    .map((m) => m[1] ?? '');
}

describe('the analytics read role on PostgreSQL', () => {
  beforeAll(async () => {
    await asSuperuser(async (c) => {
      await c.query(`CREATE ROLE ${master} LOGIN CREATEROLE`);
      await c.query(`CREATE DATABASE ${database} OWNER ${master}`);
    });
    await asMaster(async (c) => {
      await c.query(bootstrapSql(owner));
      await c.query(readerRoleSql(reader));
      // What the rotation's first setSecret does for the read role: a login clone that inherits the base role.
      await c.query(`CREATE ROLE ${readerLogin} WITH LOGIN INHERIT`);
      await c.query(`GRANT ${reader} TO ${readerLogin}`);
    });
    // The payment API migrates as its owner role.
    await withClient('postgres', database, async (c) => {
      await c.query(`SET ROLE ${owner}`);
      for (const file of readdirSync(MIGRATIONS)
        .filter((f) => f.endsWith('.sql'))
        .sort()) {
        await c.query(readFileSync(new URL(file, MIGRATIONS), 'utf8'));
      }
    });
    await asMaster((c) => c.query(readerGrantsSql(owner, reader)));
  });

  afterAll(async () => {
    await asSuperuser(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      for (const role of [readerLogin, reader, owner, `${owner}_clone`, master]) {
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      }
    });
  });

  it('classifies every table of the migrations as readable or vault, never both', () => {
    const readable = ANALYTICS_READABLE_TABLES.map((t) => t.table);
    expect(readable.filter((t) => VAULT_TABLES.includes(t))).toEqual([]);
    expect(migrationTables().filter((t) => !readable.includes(t) && !VAULT_TABLES.includes(t))).toEqual([]);
  });

  it('reads the readable tables through the rotation clone', async () => {
    const rows = await asReader(async (c) => {
      await c.query('SELECT * FROM merchants');
      await c.query('SELECT * FROM ledger_postings');
      await c.query('SELECT id, amount, status FROM payment_intents');
      return (await c.query('SELECT count(*)::int AS n FROM refunds')).rows[0];
    });
    expect(rows).toEqual({ n: 0 });
  });

  it('sees no vault table and no secret column', async () => {
    for (const table of VAULT_TABLES) {
      await expect(asReader((c) => c.query(`SELECT 1 FROM ${table} LIMIT 1`))).rejects.toThrow(
        /permission denied/,
      );
    }
    await expect(asReader((c) => c.query('SELECT client_secret FROM payment_intents'))).rejects.toThrow(
      /permission denied/,
    );
    await expect(asReader((c) => c.query('SELECT metadata FROM refunds'))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('cannot write, create or log in as the base role', async () => {
    await expect(
      asReader((c) => c.query("INSERT INTO merchants (id, name) VALUES ('m', 'x')")),
    ).rejects.toThrow(/permission denied/);
    await expect(asReader((c) => c.query('CREATE TABLE analytics_scratch (id int)'))).rejects.toThrow(
      /permission denied/,
    );
    await expect(withClient(reader, database, async () => undefined)).rejects.toThrow(
      /not permitted to log in/,
    );
  });

  it('runs again without error and keeps the same privileges', async () => {
    await asMaster(async (c) => {
      await c.query(readerRoleSql(reader));
      await c.query(readerGrantsSql(owner, reader));
    });
    const privileges = await asMaster(async (c) => {
      const r = await c.query(
        `SELECT has_table_privilege($1, 'public.merchants', 'SELECT') AS merchants,
                has_table_privilege($1, 'public.payment_methods', 'SELECT') AS vault`,
        [reader],
      );
      return r.rows[0];
    });
    expect(privileges).toEqual({ merchants: true, vault: false });
  });

  it('skips tables that do not exist yet', async () => {
    const sql = readerGrantsSql(owner, reader, [{ table: 'not_created_yet' }]);
    await expect(asMaster((c) => c.query(sql))).resolves.toBeDefined();
  });

  it('refuses names that are not plain identifiers', () => {
    expect(() => readerGrantsSql(owner, 'Reader;drop')).toThrow(/analytics read role "Reader;drop"/);
    expect(() => readerGrantsSql(owner, reader, [{ table: 'x; drop table y' }])).toThrow(
      /analytics readable table "x; drop table y"/,
    );
  });
});
