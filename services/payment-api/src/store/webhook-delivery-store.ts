import type { Queryable } from '../db/database.js';
import { toBuffer, toDate, toNumber } from '../db/database.js';
import type { StripeEvent } from '../events/event.js';
import { keysetPages } from './keyset-page.js';
import type { Row } from './rows.js';

export type DeliveryState = 'pending' | 'succeeded' | 'abandoned';

export interface DeliveryRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly objectId: string;
  readonly state: DeliveryState;
  readonly attemptCount: number;
  readonly nextAttemptAt: Date | null;
  readonly created: Date;
}

export interface AttemptRecord {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly attemptedAt: Date;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  readonly responseBody: string | null;
}

/** A claimed delivery with what sending it needs: its event and its endpoint's URL and sealed secrets. */
export interface ClaimedDelivery extends DeliveryRecord {
  readonly event: StripeEvent;
  readonly url: string;
  readonly secretSealed: Buffer;
  readonly previousSecretSealed: Buffer | null;
  readonly previousSecretExpiresAt: Date | null;
}

const COLUMNS =
  'id, merchant_id, endpoint_id, event_id, event_type, object_id, state, attempt_count, next_attempt_at, created_at';

function deliveryFromRow(r: Row): DeliveryRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    endpointId: String(r.endpoint_id),
    eventId: String(r.event_id),
    eventType: String(r.event_type),
    objectId: String(r.object_id),
    state: r.state as DeliveryState,
    attemptCount: toNumber(r.attempt_count),
    nextAttemptAt: r.next_attempt_at === null ? null : toDate(r.next_attempt_at),
    created: toDate(r.created_at),
  };
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** An endpoint's deliveries, newest first (filter `endpoint_id`). */
export const listDeliveries = keysetPages('webhook_deliveries', COLUMNS, deliveryFromRow);

/**
 * One pending delivery of `event` per endpoint, due at `dueAt`; a delivery that exists already (the event was
 * consumed before) is kept as it is. The event's pending_webhooks grows by the deliveries created.
 */
export async function insertDeliveries(
  tx: Queryable,
  merchantId: string,
  event: StripeEvent,
  deliveries: readonly { id: string; endpointId: string }[],
  dueAt: Date,
): Promise<number> {
  const { rows } = await tx.query<{ inserted: unknown }>(
    `WITH added AS (
       INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, event_id, event_type, object_id, event,
         next_attempt_at)
       SELECT d.id, $1, d.endpoint_id, $4, $5, $6, $7::jsonb, $8::timestamptz
         FROM unnest($2::text[], $3::text[]) AS d (id, endpoint_id)
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
       RETURNING 1),
     counted AS (SELECT count(*) AS n FROM added),
     bumped AS (
       UPDATE events SET pending_webhooks = pending_webhooks + counted.n
         FROM counted WHERE events.id = $4 AND counted.n > 0 RETURNING 1)
     SELECT n AS inserted FROM counted`,
    [
      merchantId,
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.endpointId),
      event.id,
      event.type,
      event.data.object.id,
      JSON.stringify(event),
      dueAt.toISOString(),
    ],
  );
  return toNumber(rows[0]?.inserted ?? 0);
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints (FOR UPDATE SKIP LOCKED, so many tasks share the
 * work) and leases them until `leaseUntil` by moving their next attempt there. A delivery is not due while an
 * earlier delivery of the same endpoint and object is pending: one object's events arrive in order.
 */
export async function claimDueDeliveries(
  db: Queryable,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1::timestamptz
          AND e.status = 'enabled' AND e.deleted_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries p
             WHERE p.endpoint_id = d.endpoint_id AND p.object_id = d.object_id AND p.state = 'pending'
               AND p.seq < d.seq)
        ORDER BY d.seq
        LIMIT $3
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE webhook_deliveries d SET next_attempt_at = $2::timestamptz
       FROM due, webhook_endpoints e
      WHERE d.id = due.id AND e.id = d.endpoint_id
      RETURNING d.id, d.merchant_id, d.endpoint_id, d.event_id, d.event_type, d.object_id, d.state,
        d.attempt_count, d.next_attempt_at, d.created_at, d.event, d.seq, e.url, e.secret_sealed,
        e.previous_secret_sealed, e.previous_secret_expires_at`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  );
  return rows
    .sort((a, b) => toNumber(a.seq) - toNumber(b.seq))
    .map((r) => ({
      ...deliveryFromRow(r),
      event: json<StripeEvent>(r.event),
      url: String(r.url),
      secretSealed: toBuffer(r.secret_sealed),
      previousSecretSealed: r.previous_secret_sealed === null ? null : toBuffer(r.previous_secret_sealed),
      previousSecretExpiresAt:
        r.previous_secret_expires_at === null ? null : toDate(r.previous_secret_expires_at),
    }));
}

/** How many of an event's deliveries are still pending: its `pending_webhooks`. */
export async function pendingDeliveriesOf(db: Queryable, eventId: string): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM webhook_deliveries WHERE event_id = $1 AND state = 'pending'`,
    [eventId],
  );
  return toNumber(rows[0]?.n ?? 0);
}

/**
 * Records an attempt and its delivery's new state (pending again at `nextAttemptAt`, succeeded or
 * abandoned), and keeps the endpoint's run of failures and the event's pending_webhooks current. An attempt
 * is always recorded; when the delivery stopped being pending meanwhile (its endpoint was disabled or
 * deleted while the request was out) its state stays as it is. Whether this attempt ended the delivery.
 */
export async function recordAttempt(
  tx: Queryable,
  delivery: Pick<DeliveryRecord, 'id' | 'endpointId' | 'eventId'>,
  attempt: Omit<AttemptRecord, 'deliveryId' | 'attempt'>,
  outcome: { state: DeliveryState; nextAttemptAt: Date | null },
): Promise<boolean> {
  // The endpoint row first: every transaction that changes both locks the endpoint before its deliveries
  // (disabling, deleting), so two attempts of one endpoint finishing together cannot deadlock.
  await tx.query(
    outcome.state === 'succeeded'
      ? 'UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1'
      : 'UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2::timestamptz) WHERE id = $1',
    outcome.state === 'succeeded'
      ? [delivery.endpointId]
      : [delivery.endpointId, attempt.attemptedAt.toISOString()],
  );
  const { rows } = await tx.query<{ attempt_count: unknown; was: string }>(
    `WITH old AS (SELECT id, state FROM webhook_deliveries WHERE id = $1 FOR UPDATE)
     UPDATE webhook_deliveries d
        SET attempt_count = d.attempt_count + 1,
            state = CASE WHEN old.state = 'pending' THEN $2 ELSE d.state END,
            next_attempt_at = CASE WHEN old.state = 'pending' THEN $3::timestamptz ELSE d.next_attempt_at END
       FROM old WHERE d.id = old.id
      RETURNING d.attempt_count, old.state AS was`,
    [delivery.id, outcome.state, outcome.nextAttemptAt?.toISOString() ?? null],
  );
  const row = rows[0];
  if (!row) throw new Error(`webhook delivery ${delivery.id} does not exist`);
  await tx.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, http_status, error, latency_ms,
       response_body)
     VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7)`,
    [
      delivery.id,
      toNumber(row.attempt_count),
      attempt.attemptedAt.toISOString(),
      attempt.httpStatus,
      attempt.error,
      attempt.latencyMs,
      attempt.responseBody,
    ],
  );
  const ended = row.was === 'pending' && outcome.state !== 'pending';
  if (ended) {
    await tx.query(
      'UPDATE events SET pending_webhooks = pending_webhooks - 1 WHERE id = $1 AND pending_webhooks > 0',
      [delivery.eventId],
    );
  }
  return ended;
}

/** Abandons an endpoint's pending deliveries (it was disabled or deleted); how many. */
export async function abandonPendingDeliveries(tx: Queryable, endpointId: string): Promise<number> {
  const { rows } = await tx.query<{ n: unknown }>(
    `WITH gone AS (
       UPDATE webhook_deliveries SET state = 'abandoned', next_attempt_at = NULL
        WHERE endpoint_id = $1 AND state = 'pending'
        RETURNING event_id),
     per_event AS (SELECT event_id, count(*) AS n FROM gone GROUP BY event_id),
     lowered AS (
       UPDATE events SET pending_webhooks = greatest(pending_webhooks - per_event.n, 0)
         FROM per_event WHERE events.id = per_event.event_id RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [endpointId],
  );
  return toNumber(rows[0]?.n ?? 0);
}

/**
 * Abandons pending deliveries whose endpoint is no longer enabled: a delivery recorded while its endpoint
 * was being disabled or deleted (the two statements raced) would otherwise stay pending. How many.
 */
export async function abandonDeliveriesOfInactiveEndpoints(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(
    `WITH gone AS (
       UPDATE webhook_deliveries d SET state = 'abandoned', next_attempt_at = NULL
         FROM webhook_endpoints e
        WHERE e.id = d.endpoint_id AND d.state = 'pending' AND (e.status <> 'enabled' OR e.deleted_at IS NOT NULL)
        RETURNING d.event_id),
     per_event AS (SELECT event_id, count(*) AS n FROM gone GROUP BY event_id),
     lowered AS (
       UPDATE events SET pending_webhooks = greatest(pending_webhooks - per_event.n, 0)
         FROM per_event WHERE events.id = per_event.event_id RETURNING 1)
     SELECT count(*) AS n FROM gone`,
  );
  return toNumber(rows[0]?.n ?? 0);
}

/** The attempts of the given deliveries, oldest first. */
export async function attemptsOf(db: Queryable, deliveryIds: readonly string[]): Promise<AttemptRecord[]> {
  if (deliveryIds.length === 0) return [];
  const { rows } = await db.query(
    `SELECT delivery_id, attempt, attempted_at, http_status, error, latency_ms, response_body
       FROM webhook_attempts WHERE delivery_id = ANY ($1::text[]) ORDER BY delivery_id, attempt`,
    [[...deliveryIds]],
  );
  return rows.map((r) => ({
    deliveryId: String(r.delivery_id),
    attempt: toNumber(r.attempt),
    attemptedAt: toDate(r.attempted_at),
    httpStatus: r.http_status === null ? null : toNumber(r.http_status),
    error: (r.error as string | null) ?? null,
    latencyMs: toNumber(r.latency_ms),
    responseBody: (r.response_body as string | null) ?? null,
  }));
}

/**
 * Deletes finished deliveries (succeeded or abandoned) older than `days`, with their attempts: they go with
 * their events' retention. Pending ones stay (their schedule ends within days). One statement: the foreign
 * key from attempts to deliveries is checked at its end.
 */
export async function deleteExpiredDeliveries(db: Queryable, days: number): Promise<number> {
  const { rows } = await db.query<{ removed: string }>(
    `WITH expired AS (
       SELECT id FROM webhook_deliveries
        WHERE state <> 'pending' AND created_at < clock_timestamp() - make_interval(days => $1)),
     attempts AS (DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM expired) RETURNING 1),
     deliveries AS (DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM expired) RETURNING 1)
     SELECT count(*) AS removed FROM deliveries`,
    [days],
  );
  return Number(rows[0]?.removed ?? 0);
}
