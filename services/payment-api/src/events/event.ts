/**
 * The event stream's shared shapes (issue 13). The relay turns outbox rows into these, the queue carries
 * them, and every consumer (webhook delivery, settlement) receives them at least once.
 */

/** A Stripe event object (https://docs.stripe.com/api/events/object), without `pending_webhooks`, which is live. */
export interface StripeEvent {
  /** `evt_…`, assigned when the outbox row is written; the queue's deduplication id. */
  readonly id: string;
  readonly object: 'event';
  readonly api_version: string;
  /** Unix seconds. */
  readonly created: number;
  readonly livemode: false;
  /** The API request that caused the event; both null for events the service raises itself. */
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null };
  readonly type: string;
  readonly data: {
    /** The object as of the event, in its Stripe shape; its `id` is the queue's message group. */
    readonly object: { readonly id: string; readonly object: string } & Record<string, unknown>;
    /** On `*.updated` events: the changed fields' values before the update. */
    readonly previous_attributes?: Record<string, unknown>;
  };
}

/** What travels on the queue: one event of one merchant. */
export interface EventEnvelope {
  readonly merchantId: string;
  readonly event: StripeEvent;
}

/** A consumer of the event stream. Delivery is at least once, so `consume` must be idempotent on `event.id`. */
export interface EventConsumer {
  readonly name: string;
  consume(envelope: EventEnvelope): Promise<void>;
}
