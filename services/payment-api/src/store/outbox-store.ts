import type { Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';

export interface OutboxEvent {
  readonly type: string;
  readonly objectType: string;
  readonly objectId: string;
  /** The event's data.object, in its Stripe shape. */
  readonly object: unknown;
}

/** Column arrays (id, type, object_type, object_id, payload) of Stripe-shaped event rows. */
export function outboxRows(
  events: readonly OutboxEvent[],
): [string[], string[], string[], string[], string[]] {
  const created = Math.floor(Date.now() / 1000);
  const ids = events.map(() => newId('evt'));
  const payloads = events.map((e, i) =>
    JSON.stringify({
      id: ids[i],
      object: 'event',
      type: e.type,
      created,
      livemode: false,
      data: { object: e.object },
    }),
  );
  return [
    ids,
    events.map((e) => e.type),
    events.map((e) => e.objectType),
    events.map((e) => e.objectId),
    payloads,
  ];
}

/** The outbox INSERT for merchant parameter $m and the five outboxRows arrays from $f. */
export const OUTBOX_INSERT = (m: number, f: number) => `
  INSERT INTO outbox (id, merchant_id, type, object_type, object_id, payload)
  SELECT e.id, $${m}, e.type, e.object_type, e.object_id, e.payload::jsonb
    FROM unnest($${f}::text[], $${f + 1}::text[], $${f + 2}::text[], $${f + 3}::text[], $${f + 4}::text[])
         AS e(id, type, object_type, object_id, payload)`;

/** Writes Stripe-shaped events to the transactional outbox, in the caller's transaction. */
export async function enqueueEvents(
  tx: Queryable,
  merchantId: string,
  events: readonly OutboxEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.query(OUTBOX_INSERT(1, 2), [merchantId, ...outboxRows(events)]);
}
