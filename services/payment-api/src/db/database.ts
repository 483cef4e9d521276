/** The narrow database surface the service uses, implemented by node-postgres (pg.Pool) and by PGlite. */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

export interface Queryable {
  /**
   * `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection); use it for
   * hot statements whose text never changes. PGlite ignores it.
   */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    name?: string,
  ): Promise<QueryResult<R>>;
}

/** One connection held for a while (migrations under an advisory lock). `exec` runs multi-statement SQL. */
export interface Session extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs fn on one dedicated connection. */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Resolves when the database answers a query (readiness). */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

/** PostgreSQL error codes that mean "retry the request": serialization failure, deadlock, lock timeout. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '55P03']);

export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}

/** Values as both drivers return them (pg: int8 as string, bytea as Buffer; PGlite: number, Uint8Array). */
export function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`database returned a non-integer value: ${String(value)}`);
  return n;
}

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new Error('database returned a non-binary value where bytea was expected');
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new Error('database returned a non-timestamp value');
}
