import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapSql } from '../../../lib/constructs/data/database-user-bootstrap.js';

// Runs the bootstrap statement on the local PostgreSQL the way the Data API runs it on Aurora: as a master user
// that can create roles but is not a superuser, in a database that master owns.
const SERVER = { host: '127.0.0.1', port: 5432 };
const suffix = randomBytes(4).toString('hex');
const database = `datatier_boot_${suffix}`;
const master = `datatier_master_${suffix}`;
const app = `datatier_app_${suffix}`;
const clone = `${app}_clone`;

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

describe('bootstrapSql on PostgreSQL', () => {
  beforeAll(async () => {
    await asSuperuser(async (c) => {
      await c.query(`CREATE ROLE ${master} LOGIN CREATEROLE`);
      await c.query(`CREATE DATABASE ${database} OWNER ${master}`);
    });
  });

  afterAll(async () => {
    await asSuperuser(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      for (const role of [clone, app, master]) await c.query(`DROP ROLE IF EXISTS ${role}`);
    });
  });

  it('creates the base role without a login and grants it the database and the public schema', async () => {
    await asMaster((c) => c.query(bootstrapSql(app)));
    // pg_authid (the password column) is readable by the superuser only.
    const row = await withClient('postgres', database, async (c) => {
      const result = await c.query(
        `SELECT a.rolcanlogin, a.rolpassword IS NULL AS no_password,
                has_database_privilege($1, current_database(), 'CONNECT') AS can_connect,
                has_database_privilege($1, current_database(), 'CREATE') AS can_create_schema,
                has_schema_privilege($1, 'public', 'CREATE') AS can_create_in_public
           FROM pg_catalog.pg_authid a WHERE a.rolname = $1`,
        [app],
      );
      return result.rows[0];
    });
    expect(row).toEqual({
      rolcanlogin: false,
      no_password: true,
      can_connect: true,
      can_create_schema: true,
      can_create_in_public: true,
    });
  });

  it('is idempotent: running it again changes nothing and does not fail', async () => {
    await asMaster((c) => c.query(bootstrapSql(app)));
    const count = await asMaster(async (c) => {
      const result = await c.query('SELECT count(*)::int AS n FROM pg_catalog.pg_roles WHERE rolname = $1', [
        app,
      ]);
      return result.rows[0].n as number;
    });
    expect(count).toBe(1);
  });

  it('lets the rotation clone (a member of the base role) log in and create tables as the base role', async () => {
    // What the rotation function's first setSecret does, logged in as the master.
    await asMaster(async (c) => {
      await c.query(`CREATE ROLE ${clone} WITH LOGIN INHERIT`);
      await c.query(`GRANT ${app} TO ${clone}`);
    });
    const owner = await withClient(clone, database, async (c) => {
      await c.query(`SET ROLE ${app}`);
      await c.query('CREATE TABLE bootstrap_probe (id int PRIMARY KEY)');
      const result = await c.query(
        `SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename = 'bootstrap_probe'`,
      );
      return result.rows[0].tableowner as string;
    });
    expect(owner).toBe(app);
  });

  it('refuses a role name that is not a plain identifier, since the name is written into SQL', () => {
    expect(() => bootstrapSql("app'; DROP DATABASE x; --")).toThrow(/must be 1-57 lowercase letters/);
  });
});
