import type { Database, Queryable, QueryResult } from '../../src/db/database.js';

/**
 * A real database whose statements can be made to fail, as a dropped connection or an outage makes them
 * fail (SQLSTATE 08006): `failNext(n)` fails the next n statements, `failNext(Infinity)` every statement
 * until `heal()`, `failNext(n, skip)` lets `skip` statements pass first. Statements inside a transaction count too; the failed transaction rolls back.
 */
export class FailingDatabase implements Database {
  private remaining = 0;
  private skip = 0;
  /** How many statements were refused so far. */
  refused = 0;

  constructor(private readonly inner: Database) {}

  get kind() {
    return this.inner.kind;
  }

  /** Fails `statements` statements after letting `skip` more pass. */
  failNext(statements = 1, skip = 0): void {
    this.remaining = statements;
    this.skip = skip;
  }

  heal(): void {
    this.remaining = 0;
  }

  private check(): void {
    if (this.remaining <= 0) return;
    if (this.skip > 0) {
      this.skip -= 1;
      return;
    }
    this.remaining -= 1;
    this.refused += 1;
    throw Object.assign(new Error('connection to the database was lost (injected)'), { code: '08006' });
  }

  query<R>(text: string, params?: readonly unknown[], name?: string): Promise<QueryResult<R>> {
    try {
      this.check();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.inner.query<R>(text, params, name);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) =>
      fn({
        query: <R>(text: string, params?: readonly unknown[], name?: string) => {
          this.check();
          return tx.query<R>(text, params, name);
        },
      }),
    );
  }

  withSession: Database['withSession'] = (fn) => this.inner.withSession(fn);
  close = () => this.inner.close();
}
