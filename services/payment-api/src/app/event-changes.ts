import type { OutboxEvent } from '../store/outbox-store.js';

/**
 * Stripe's `previous_attributes` of an `*.updated` event: the top-level fields of the object whose value
 * changed, with their value before the update (a changed hash such as `metadata` is shown whole).
 */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = before[key] ?? null;
  }
  return changed;
}

/** The `*.updated` event of an object, or none when the update changed nothing Stripe shows. */
export function updatedEvent(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): OutboxEvent[] {
  const previous = previousAttributes(before, after);
  return Object.keys(previous).length === 0 ? [] : [{ type, object: after, previousAttributes: previous }];
}
