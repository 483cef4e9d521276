import type { Queryable } from '../db/database.js';
import { toNumber } from '../db/database.js';
import type { StripeEvent } from '../events/event.js';

/** An outbox row the relay claimed: one transaction's events, in order. */
export interface ClaimedOutboxRow {
  readonly seq: number;
  readonly merchantId: string;
  readonly events: readonly StripeEvent[];
}

/**
 * Claims up to `limit` outbox rows for `leaseSeconds` and copies their events into `events` (ON CONFLICT DO
 * NOTHING: a row claimed again after a crash copies nothing twice), in ONE statement that commits before
 * anything is published — so a consumer always finds the event it receives.
 *
 * A row is claimable when its lease is free or ran out (its relay died), it is not locked by a relay
 * claiming right now (SKIP LOCKED), and no older row for one of its objects is left in the outbox: rows
 * leave the outbox only once published, so one object's events are published in the order they were
 * written however many relays run (ADR 0031).
 */
export async function claimOutbox(
  db: Queryable,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedOutboxRow[]> {
  const { rows } = await db.query<{ seq: unknown; merchant_id: string; events: StripeEvent[] }>(
    `WITH claimed AS (
       UPDATE outbox o SET claimed_until = clock_timestamp() + make_interval(secs => $2)
        WHERE o.seq IN (
          SELECT c.seq FROM outbox c
           WHERE (c.claimed_until IS NULL OR c.claimed_until < clock_timestamp())
             AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.seq < c.seq AND p.object_ids && c.object_ids)
           ORDER BY c.seq
           LIMIT $1
             FOR UPDATE SKIP LOCKED)
       RETURNING o.seq, o.merchant_id, o.events
     ), copied AS (
       INSERT INTO events (id, merchant_id, type, object_id, created_at, body, outbox_seq, position)
       SELECT x.e->>'id', c.merchant_id, x.e->>'type', x.e->'data'->'object'->>'id',
              to_timestamp((x.e->>'created')::bigint), x.e, c.seq, x.n
         FROM claimed c, jsonb_array_elements(c.events) WITH ORDINALITY AS x(e, n)
       ON CONFLICT (id) DO NOTHING
     )
     SELECT seq, merchant_id, events FROM claimed ORDER BY seq`,
    [limit, leaseSeconds],
    'tessera_claim_outbox',
  );
  return rows.map((r) => ({ seq: toNumber(r.seq), merchantId: r.merchant_id, events: r.events }));
}

/** Removes published rows from the outbox (their events stay in `events`). */
export async function pruneOutbox(db: Queryable, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [seqs]);
}

/** How many rows wait in the outbox (the relay's backlog). */
export async function outboxBacklog(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM outbox');
  return toNumber(rows[0]?.n ?? 0);
}
