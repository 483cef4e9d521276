import type { Database, Queryable } from '../db/database.js';
import { decide, type Decision } from '../domain/idempotency.js';
import { AUDIT_INSERT, auditParams, type AuditEvent } from './audit-store.js';

export interface KeyRef {
  readonly merchantId: string;
  readonly key: string;
}

/** A rendered response to store under an idempotency key. */
export interface StoredResponse extends KeyRef {
  readonly status: number;
  readonly body: string;
}

/** A claimed key: the attempt its request runs as, and whether an earlier run may have reached the acquirer. */
export interface Claimed {
  readonly action: 'claimed';
  readonly attempt: string;
  readonly afterAcquirer: boolean;
}

export interface ClaimOptions {
  /** The attempt id to record when the key is new (an existing key keeps its own). */
  readonly attempt: string;
  /**
   * What the completer needs to finish the request (requests that call the acquirer). Such a claim commits
   * synchronously: it is the record of the attempt, and must be durable before the acquirer is called.
   */
  readonly resume: unknown;
}

/**
 * Claims a key for a request, or says what to answer instead. The claim is a committed in-flight row, so
 * concurrent duplicates see it at once (the unique primary key makes exactly one insert win).
 */
export async function claimKey(
  db: Database,
  ref: KeyRef,
  request: { hash: string; method: string; path: string },
  leaseSeconds: number,
  options: ClaimOptions,
): Promise<Claimed | Exclude<Decision, { action: 'take_over' }>> {
  const resume = options.resume === null ? null : JSON.stringify(options.resume);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    // A claim without a resume commits without waiting for its WAL flush (synchronous_commit off for this
    // transaction only): the request's own final commit is synchronous and flushes the WAL up to its
    // position, which includes this earlier claim; a crash before that loses only a claim whose request had
    // committed nothing and called nobody. A claim with a resume precedes an acquirer call, so it waits.
    const inserted = await db.query<{ attempt: string }>(
      `WITH relaxed AS (SELECT set_config('synchronous_commit', CASE WHEN $7::jsonb IS NULL THEN 'off' ELSE 'on' END, true) AS setting)
       INSERT INTO idempotency_keys (merchant_id, key, request_hash, method, path, state, attempt, resume)
       SELECT $1, $2, $3, $4, $5, 'in_flight', $6, $7::jsonb FROM relaxed
       ON CONFLICT (merchant_id, key) DO NOTHING RETURNING attempt`,
      [ref.merchantId, ref.key, request.hash, request.method, request.path, options.attempt, resume],
      'tessera_idempotency_claim',
    );
    if (inserted.rowCount === 1) return { action: 'claimed', attempt: options.attempt, afterAcquirer: false };
    const { rows } = await db.query<{
      request_hash: string;
      state: 'in_flight' | 'completed';
      lease_active: boolean;
      response_status: number | null;
      response_body: string | null;
    }>(
      `SELECT request_hash, state, response_status, response_body,
              clock_timestamp() - locked_at < make_interval(secs => $3) AS lease_active
         FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`,
      [ref.merchantId, ref.key, leaseSeconds],
    );
    const row = rows[0];
    if (!row) continue; // reaped in between: try to insert again
    const decision = decide(
      {
        requestHash: row.request_hash,
        state: row.state,
        leaseActive: row.lease_active,
        responseStatus: row.response_status === null ? null : Number(row.response_status),
        responseBody: row.response_body,
      },
      request.hash,
    );
    if (decision.action !== 'take_over') return decision;
    // The first run's process died, or it failed and kept a recovery point: resume it as the same attempt.
    const taken = await takeOverKey(db, ref, leaseSeconds, options.attempt);
    return taken ?? { action: 'in_flight' };
  }
  return { action: 'in_flight' };
}

/**
 * Takes over an in-flight key whose lease has run out (compare-and-set on `locked_at`, so one taker wins);
 * null when another run holds it. A key claimed before attempts were recorded gets `attempt` now.
 */
export async function takeOverKey(
  db: Queryable,
  ref: KeyRef,
  leaseSeconds: number,
  attempt: string,
): Promise<Claimed | null> {
  const { rows } = await db.query<{ attempt: string; recovery_point: string }>(
    `UPDATE idempotency_keys SET locked_at = clock_timestamp(), attempt = coalesce(attempt, $4)
      WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight'
        AND clock_timestamp() - locked_at >= make_interval(secs => $3)
      RETURNING attempt, recovery_point`,
    [ref.merchantId, ref.key, leaseSeconds, attempt],
  );
  const row = rows[0];
  return row
    ? { action: 'claimed', attempt: row.attempt, afterAcquirer: row.recovery_point === 'acquirer_called' }
    : null;
}

/** Extends the lease of a run that is still working (`attempt` guards against a run that was taken over). */
export async function renewLease(db: Queryable, ref: KeyRef, attempt: string): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET locked_at = clock_timestamp()
      WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight' AND attempt = $3`,
    [ref.merchantId, ref.key, attempt],
  );
}

/** Stores the final response in the same transaction as the request's effects. */
export async function completeKey(tx: Queryable, ref: KeyRef, status: number, body: string): Promise<void> {
  await tx.query(
    `UPDATE idempotency_keys
        SET state = 'completed', response_status = $3, response_body = $4, completed_at = clock_timestamp(),
            resume = NULL
      WHERE merchant_id = $1 AND key = $2`,
    [ref.merchantId, ref.key, status, body],
  );
}

/** Drops an in-flight claim whose request committed nothing and never reached the acquirer. */
export async function releaseKey(db: Queryable, ref: KeyRef): Promise<void> {
  await db.query(
    `DELETE FROM idempotency_keys
      WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight' AND recovery_point = 'started'`,
    [ref.merchantId, ref.key],
  );
}

/**
 * A run failed after the acquirer may have acted: the key keeps its attempt with the recovery point
 * `acquirer_called` and its lease ends now, so a retry (or the completer) resumes it at once; the audit
 * records of the failed run are appended in the same statement.
 */
export async function keepRecoveryPoint(
  db: Queryable,
  ref: KeyRef,
  attempt: string,
  audit: readonly AuditEvent[],
): Promise<void> {
  await db.query(
    `WITH kept AS (
       UPDATE idempotency_keys SET recovery_point = 'acquirer_called', locked_at = 'epoch'
        WHERE merchant_id = $11 AND key = $12 AND state = 'in_flight' AND attempt = $13
     ) ${AUDIT_INSERT(1)}`,
    [...auditParams(audit), ref.merchantId, ref.key, attempt],
  );
}

/** An in-flight request that may have reached the acquirer, whose lease ran out: the completer's work. */
export interface UnfinishedAttempt extends KeyRef {
  readonly attempt: string | null;
  readonly resume: unknown;
}

export async function findUnfinishedAttempts(
  db: Queryable,
  leaseSeconds: number,
  limit: number,
): Promise<UnfinishedAttempt[]> {
  const { rows } = await db.query<{
    merchant_id: string;
    key: string;
    attempt: string | null;
    resume: unknown;
  }>(
    `SELECT merchant_id, key, attempt, resume FROM idempotency_keys
      WHERE state = 'in_flight' AND resume IS NOT NULL
        AND locked_at <= clock_timestamp() - make_interval(secs => $1)
      ORDER BY locked_at LIMIT $2`,
    [leaseSeconds, limit],
  );
  return rows.map((r) => ({
    merchantId: r.merchant_id,
    key: r.key,
    attempt: r.attempt,
    resume: typeof r.resume === 'string' ? JSON.parse(r.resume) : r.resume,
  }));
}

/**
 * Deletes keys older than the retention period (>= 24 h); returns how many were removed. Unfinished
 * requests that may have reached the acquirer stay until the completer has finished them.
 */
export async function reapKeys(db: Queryable, retentionHours: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM idempotency_keys WHERE created_at < clock_timestamp() - make_interval(hours => $1)
        AND NOT (state = 'in_flight' AND resume IS NOT NULL)`,
    [retentionHours],
  );
  return result.rowCount;
}
