import pg from 'pg';
import { sqlState, type Database, type Queryable, type QueryResult, type Session } from './database.js';
import { isLoginRefused, type RotatingUserLogin } from './rotating-user-login.js';

/**
 * Database on a PostgreSQL server through a pg.Pool. With a {@link RotatingUserLogin}, new connections log
 * in as the secret's current user with a token, and a refused login re-reads the user and is retried once.
 */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(
    config: pg.PoolConfig,
    private readonly login?: RotatingUserLogin,
  ) {
    this.pool = new pg.Pool(login ? { ...config, Client: login.clientClass() } : config);
    // An idle client that errors (server restart, failover) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      if (!this.login || !isLoginRefused(err)) throw err;
      try {
        await this.login.refresh();
      } catch (readErr) {
        // Keep the server's SQLSTATE (callers classify by it) and say why no retry happened.
        throw Object.assign(
          new Error(
            `${(err as Error).message}; re-reading the database user failed: ${(readErr as Error).message}`,
            { cause: readErr },
          ),
          { code: sqlState(err) },
        );
      }
      return this.pool.connect();
    }
  }

  async query<R>(text: string, params?: readonly unknown[], name?: string): Promise<QueryResult<R>> {
    const client = await this.connect();
    try {
      const result = await client.query({ text, values: params as unknown[] | undefined, name });
      client.release();
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      // Like pg.Pool.query: a client whose query failed is not reused.
      client.release(err as Error);
      throw err;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await fn({
        ...wrap(client),
        exec: async (sql: string) => {
          await client.query(sql);
        },
      });
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function wrap(client: pg.PoolClient): Queryable {
  return {
    async query<R>(text: string, params?: readonly unknown[], name?: string): Promise<QueryResult<R>> {
      const result = await client.query({ text, values: params as unknown[] | undefined, name });
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}
