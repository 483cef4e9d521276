import { newId } from '../domain/ids.js';

export interface OutboxEvent {
  readonly type: string;
  /** The event's data.object, in its Stripe shape. */
  readonly object: unknown;
}

/**
 * Parameters (outbox row id, JSON array of Stripe-shaped events) for OUTBOX_INSERT: one outbox row per
 * database transaction, however many events it carries.
 */
export function outboxRows(events: readonly OutboxEvent[]): [string, string] {
  const created = Math.floor(Date.now() / 1000);
  const payload = events.map((e) => ({
    id: newId('evt'),
    object: 'event',
    type: e.type,
    created,
    livemode: false,
    data: { object: e.object },
  }));
  return [newId('evt'), JSON.stringify(payload)];
}

/** The outbox INSERT for merchant parameter $m and the outboxRows parameters from $f (none when no events). */
export const OUTBOX_INSERT = (m: number, f: number) => `
  INSERT INTO outbox (id, merchant_id, events)
  SELECT $${f}, $${m}, $${f + 1}::jsonb WHERE jsonb_array_length($${f + 1}::jsonb) > 0`;
