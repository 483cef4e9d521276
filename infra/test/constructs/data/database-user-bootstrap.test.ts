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

  describe('with IAM logins (no RDS Proxy)', () => {
    const holdsRdsIam = async (role: string): Promise<boolean> =>
      asSuperuser(async (c) => {
        const r = await c.query<{ held: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = 'rds_iam' AND u.rolname = $1) AS held`,
          [role],
        );
        return r.rows[0]?.held === true;
      });

    beforeAll(async () => {
      // RDS's rds_iam role; the RDS master (rds_superuser) may grant it, here through the admin option.
      await asSuperuser(async (c) => {
        await c.query(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam NOLOGIN; END IF; END $$",
        );
        await c.query(`GRANT rds_iam TO ${master} WITH ADMIN OPTION`);
        // The clone the rotation creates (an earlier test may have made it already).
        await c.query(
          `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${clone}') THEN CREATE ROLE ${clone} LOGIN IN ROLE ${app}; END IF; END $$`,
        );
      });
    });

    afterAll(async () => {
      await asSuperuser((c) => c.query(`REVOKE rds_iam FROM ${master}`));
    });

    it('grants rds_iam to the base role and the existing clone, and is idempotent', async () => {
      await asMaster((c) => c.query(bootstrapSql(app, 'iam')));
      await asMaster((c) => c.query(bootstrapSql(app, 'iam')));
      expect(await holdsRdsIam(app)).toBe(true);
      expect(await holdsRdsIam(clone)).toBe(true);
    });

    it('takes rds_iam back with password logins (RDS Proxy in front again)', async () => {
      await asMaster((c) => c.query(bootstrapSql(app, 'iam')));
      await asMaster((c) => c.query(bootstrapSql(app, 'password')));
      expect(await holdsRdsIam(app)).toBe(false);
      expect(await holdsRdsIam(clone)).toBe(false);
      await asMaster((c) => c.query(bootstrapSql(app, 'password')));
    });
  });
});
