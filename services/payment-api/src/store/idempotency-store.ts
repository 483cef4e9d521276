import type { Database, Queryable } from '../db/database.js';
import { decide, type Decision } from '../domain/idempotency.js';

export interface KeyRef {
  readonly merchantId: string;
  readonly key: string;
}

/** A rendered response to store under an idempotency key. */
export interface StoredResponse extends KeyRef {
  readonly status: number;
  readonly body: string;
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
): Promise<{ action: 'claimed' } | Exclude<Decision, { action: 'take_over' }>> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    // The claim commits without waiting for its WAL flush (synchronous_commit off for this transaction only):
    // the request's own final commit is synchronous and flushes the WAL up to its position, which includes
    // this earlier claim. A crash before that loses only a claim whose request had committed nothing.
    const inserted = await db.query(
      `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting)
       INSERT INTO idempotency_keys (merchant_id, key, request_hash, method, path, state)
       SELECT $1, $2, $3, $4, $5, 'in_flight' FROM relaxed
       ON CONFLICT (merchant_id, key) DO NOTHING RETURNING key`,
      [ref.merchantId, ref.key, request.hash, request.method, request.path],
      'tessera_idempotency_claim',
    );
    if (inserted.rowCount === 1) return { action: 'claimed' };
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
    // The first attempt's process died before committing anything: take the claim over, once.
    const taken = await db.query(
      `UPDATE idempotency_keys SET locked_at = clock_timestamp()
        WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight'
          AND clock_timestamp() - locked_at >= make_interval(secs => $3)
        RETURNING key`,
      [ref.merchantId, ref.key, leaseSeconds],
    );
    return taken.rowCount === 1 ? { action: 'claimed' } : { action: 'in_flight' };
  }
  return { action: 'in_flight' };
}

/** Stores the final response in the same transaction as the request's effects. */
export async function completeKey(tx: Queryable, ref: KeyRef, status: number, body: string): Promise<void> {
  await tx.query(
    `UPDATE idempotency_keys
        SET state = 'completed', response_status = $3, response_body = $4, completed_at = clock_timestamp()
      WHERE merchant_id = $1 AND key = $2`,
    [ref.merchantId, ref.key, status, body],
  );
}

/** Drops an in-flight claim whose request committed nothing (validation error, conflict, crash path). */
export async function releaseKey(db: Queryable, ref: KeyRef): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight'`, [
    ref.merchantId,
    ref.key,
  ]);
}

/** Deletes keys older than the retention period (>= 24 h); returns how many were removed. */
export async function reapKeys(db: Queryable, retentionHours: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM idempotency_keys WHERE created_at < clock_timestamp() - make_interval(hours => $1)`,
    [retentionHours],
  );
  return result.rowCount;
}
