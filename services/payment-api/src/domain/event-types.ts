/**
 * Every event type the service emits (docs/payment-api.md lists them): webhook endpoints may subscribe to
 * these, or to `*`. The `tessera.` types are Tessera extensions that Stripe has no counterpart for.
 */
export const EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.succeeded',
  'charge.captured',
  'charge.failed',
  'charge.refunded',
  'charge.refund.updated',
  'refund.created',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'setup_intent.created',
  'setup_intent.requires_action',
  'setup_intent.succeeded',
  'setup_intent.setup_failed',
  'setup_intent.canceled',
  /** The service disabled a webhook endpoint that kept failing (Tessera extension, ADR 0033). */
  'tessera.webhook_endpoint.disabled',
] as const;

export type EmittedEventType = (typeof EVENT_TYPES)[number];

/** Stripe's wildcard: every event type. */
export const ALL_EVENTS = '*';

export function isEventType(value: string): value is EmittedEventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Whether an endpoint subscribed to `enabled` receives an event of `type`. */
export function subscribes(enabled: readonly string[], type: string): boolean {
  return enabled.includes(ALL_EVENTS) || enabled.includes(type);
}
