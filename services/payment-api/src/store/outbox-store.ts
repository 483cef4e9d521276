import type { Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import type { StripeEvent } from '../events/event.js';

/**
 * The Stripe API version the events are shaped after: the version of the `stripe` SDK the tests pin
 * (stripe@23, `Stripe.API_VERSION`). Events carry it as `api_version`.
 */
export const EVENTS_API_VERSION = '2026-10-28.endive';

export interface OutboxEvent {
  readonly type: string;
  /** The event's data.object, in its Stripe shape (the serializers' output: it has `id` and `object`). */
  readonly object: unknown;
  /** On `*.updated` events: the changed fields' values before the update. */
  readonly previousAttributes?: Record<string, unknown>;
}

/** The API request that caused an event (Stripe's `request`); both null for events the service raises itself. */
export interface EventRequest {
  readonly id: string | null;
  readonly idempotency_key: string | null;
}

export const SERVICE_REQUEST: EventRequest = { id: null, idempotency_key: null };

/** Full Stripe event objects, created now, ids assigned (the queue deduplicates on them). */
export function stripeEvents(events: readonly OutboxEvent[], request: EventRequest): StripeEvent[] {
  const created = Math.floor(Date.now() / 1000);
  return events.map((e) => ({
    id: newId('evt'),
    object: 'event',
    api_version: EVENTS_API_VERSION,
    created,
    livemode: false,
    request: { id: request.id, idempotency_key: request.idempotency_key },
    type: e.type,
    data: {
      object: e.object as StripeEvent['data']['object'],
      ...(e.previousAttributes === undefined ? {} : { previous_attributes: e.previousAttributes }),
    },
  }));
}

/**
 * Parameters (outbox row id, JSON array of Stripe event objects) for OUTBOX_INSERT: one outbox row per
 * database transaction, however many events it carries.
 */
export function outboxRows(events: readonly OutboxEvent[], request: EventRequest): [string, string] {
  return [newId('evt'), JSON.stringify(stripeEvents(events, request))];
}

/**
 * The outbox INSERT for merchant parameter $m and the outboxRows parameters from $f (none when no events);
 * object_ids (the relay's per-object order) is derived from the events.
 */
export const OUTBOX_INSERT = (m: number, f: number) => `
  INSERT INTO outbox (id, merchant_id, events, object_ids)
  SELECT $${f}, $${m}, $${f + 1}::jsonb,
         ARRAY(SELECT DISTINCT e->'data'->'object'->>'id' FROM jsonb_array_elements($${f + 1}::jsonb) AS e)
   WHERE jsonb_array_length($${f + 1}::jsonb) > 0`;

/** Writes events in the caller's transaction (one statement; nothing when there are none). */
export async function appendEvents(
  tx: Queryable,
  merchantId: string,
  events: readonly OutboxEvent[],
  request: EventRequest,
): Promise<void> {
  if (events.length === 0) return;
  await tx.query(OUTBOX_INSERT(1, 2), [merchantId, ...outboxRows(events, request)]);
}
