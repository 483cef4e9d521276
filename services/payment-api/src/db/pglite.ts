import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult, Session } from './database.js';

/**
 * Embedded PostgreSQL (PGlite, WASM) with its data in a local folder. PGlite has a single connection and its
 * data folder must not be opened by two processes, so every call is serialized through one queue and the
 * folder is guarded by a pid lock file.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: PGlite,
    private readonly lockFile: string | null,
  ) {}

  /** dataDir null = in memory (tests). */
  static async open(dataDir: string | null): Promise<PgliteDatabase> {
    if (dataDir === null) return new PgliteDatabase(await PGlite.create(), null);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const lockFile = acquireLock(join(dataDir, 'pglite.pid'));
    try {
      return new PgliteDatabase(await PGlite.create(join(dataDir, 'pgdata')), lockFile);
    } catch (err) {
      rmSync(lockFile, { force: true });
      throw err;
    }
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.serialize(() => runQuery<R>(this.db, text, params));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.serialize(() =>
      this.db.transaction((tx: Transaction) => fn({ query: (text, params) => runQuery(tx, text, params) })),
    );
  }

  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.serialize(() =>
      fn({
        query: (text, params) => runQuery(this.db, text, params),
        exec: async (sql: string) => {
          await this.db.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.serialize(() => this.db.close());
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}

async function runQuery<R>(
  db: Pick<PGlite, 'query'> | Transaction,
  text: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  const result = await db.query<R>(text, params ? [...params] : undefined);
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}

function acquireLock(path: string): string {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) {
        throw new Error(
          `the embedded database in ${path.replace(/\/pglite\.pid$/, '')} is in use by process ${pid}; ` +
            `stop that process first (or delete ${path} if it is not a Tessera process), ` +
            'or point DATABASE_URL/PGHOST at a PostgreSQL server',
          { cause: err },
        );
      }
      rmSync(path, { force: true }); // stale lock from a process that is gone
    }
  }
  throw new Error(`could not lock the embedded database (${path})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
