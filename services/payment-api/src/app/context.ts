import type { Queryable } from '../db/database.js';
import type { StoredResponse } from '../store/idempotency-store.js';

/** Who is calling and from where: the PCI DSS 10.2.2 "who" and "where from" of every audit record. */
export interface RequestContext {
  readonly merchantId: string;
  /** The API key id (never the key) or "cli:<user>". */
  readonly actor: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
}

/**
 * How the idempotency layer stores a request's response atomically with its effects: either `store` is
 * called last inside the committing transaction, or — for single-statement writes — `prepare` renders the
 * response so that the statement itself completes the key.
 */
export interface CommitHook<T> {
  store(tx: Queryable, result: T): Promise<void>;
  prepare(result: T): StoredResponse | null;
}
