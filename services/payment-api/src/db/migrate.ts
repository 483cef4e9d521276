import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** Same relative location from src/db (tsx) and dist/db (compiled). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Arbitrary constant naming the migration advisory lock (pg_advisory_lock takes a bigint). */
const MIGRATION_LOCK_ID = 7_345_112_001;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file "${file}" must be named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2] ?? '', sql: readFileSync(`${dir}/${file}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  // Numbers are reserved per change, so a later number may land before an earlier one: gaps are allowed,
  // a number used twice is not (schema_migrations records each version once).
  migrations.forEach((m, i) => {
    const previous = migrations[i - 1];
    if (previous && previous.version === m.version)
      throw new Error(`migration version ${m.version} is used twice (${previous.name}, ${m.name})`);
  });
  return migrations;
}

export interface MigrateOptions {
  /**
   * Role to run the migrations as (`SET ROLE`), so every object is owned by it whichever member logged in:
   * with alternating users the login is the base role or its clone (ADR 0002), the owner always the base.
   * @default - the login user
   */
  readonly ownerRole?: string;
}

/**
 * Applies pending migrations, each in its own transaction, while holding a session advisory lock so that
 * several instances starting at once apply them exactly once. Returns the versions applied now.
 */
export async function migrate(
  db: Database,
  migrations = loadMigrations(),
  options: MigrateOptions = {},
): Promise<number[]> {
  return db.withSession(async (session) => {
    // Another instance may be migrating (the advisory lock), and DDL waits for running queries: neither
    // the service's statement timeout nor its lock timeout applies to this session.
    await session.exec('SET statement_timeout = 0; SET lock_timeout = 0');
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    // The name is validated by the configuration; quoting keeps it an identifier regardless.
    if (options.ownerRole) await session.exec(`SET ROLE "${options.ownerRole.replaceAll('"', '""')}"`);
    try {
      await session.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await session.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => Number(r.version)));
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await session.exec('BEGIN');
        try {
          await session.exec(m.sql);
          await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            m.version,
            m.name,
          ]);
          await session.exec('COMMIT');
        } catch (err) {
          await session.exec('ROLLBACK');
          throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      if (options.ownerRole) await session.exec('RESET ROLE');
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      await session.exec('RESET statement_timeout; RESET lock_timeout');
    }
  });
}
