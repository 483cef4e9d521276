import pg from 'pg';
import type { Database, Queryable, QueryResult, Session } from './database.js';

/** Database on a PostgreSQL server through a pg.Pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(config: pg.PoolConfig) {
    this.pool = new pg.Pool(config);
    // An idle client that errors (server restart, failover) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<R>(text: string, params?: readonly unknown[], name?: string): Promise<QueryResult<R>> {
    const result = await this.pool.query({ text, values: params as unknown[] | undefined, name });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
    const client = await this.pool.connect();
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
