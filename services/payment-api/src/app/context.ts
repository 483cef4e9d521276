import type { Queryable } from '../db/database.js';
import type { StoredResponse } from '../store/idempotency-store.js';
import type { EventRequest } from '../store/outbox-store.js';
import { Attempt } from './attempt.js';

/** Who is calling and from where: the PCI DSS 10.2.2 "who" and "where from" of every audit record. */
export interface RequestContext {
  readonly merchantId: string;
  /** The API key id (never the key) or "cli:<user>". */
  readonly actor: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
  /** The Idempotency-Key the caller sent, if any (the `request.idempotency_key` of the events it causes). */
  readonly idempotencyKey?: string;
  /** The scheme and host the caller reached the API at (for links such as a 3D Secure challenge page). */
  readonly origin?: string;
}

/** The `request` of the events a request causes: its id and Idempotency-Key (null when the service acts alone). */
export function eventRequest(ctx: RequestContext): EventRequest {
  return { id: ctx.requestId ?? null, idempotency_key: ctx.idempotencyKey ?? null };
}

/**
 * How the idempotency layer ties a request to its key: the attempt the request runs as (stable across
 * retries), and how its response is stored atomically with its effects — either `store` is called last
 * inside the committing transaction, or, for single-statement writes, `prepare` renders the response so that
 * the statement itself completes the key.
 */
export interface CommitHook<T> {
  readonly attempt: Attempt;
  store(tx: Queryable, result: T): Promise<void>;
  prepare(result: T): StoredResponse | null;
}

/** The attempt of a request: its key's, or a fresh one outside the idempotency layer. */
export function attemptOf(hook: CommitHook<unknown> | undefined): Attempt {
  return hook?.attempt ?? new Attempt();
}

/** A response as the HTTP layer sends it and the idempotency layer stores it. */
export interface Rendered {
  readonly status: number;
  readonly body: unknown;
  /**
   * What a replay of the response answers instead of `body`, when the key must not store all of it: a
   * webhook endpoint's signing secret is sent once and never stored in clear. @default body
   */
  readonly replay?: unknown;
}
