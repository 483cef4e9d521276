import type { Queryable } from '../db/database.js';

/** Who is calling and from where: the PCI DSS 10.2.2 "who" and "where from" of every audit record. */
export interface RequestContext {
  readonly merchantId: string;
  /** The API key id (never the key) or "cli:<user>". */
  readonly actor: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
}

/**
 * Called last inside the transaction that commits a request's effects, so the idempotency layer can store
 * the response atomically with them.
 */
export type CommitHook<T> = (tx: Queryable, result: T) => Promise<void>;
