import type { AttemptRecord, DeliveryRecord } from '../store/webhook-delivery-store.js';
import type { WebhookEndpointRecord } from '../store/webhook-endpoint-store.js';

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** Stripe's WebhookEndpoint; `secret` only when it was just created or rolled (Stripe returns it on create only). */
export function webhookEndpointObject(e: WebhookEndpointRecord, secret?: string) {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    api_version: e.apiVersion,
    application: null,
    created: unix(e.created),
    description: e.description,
    enabled_events: [...e.enabledEvents],
    livemode: false,
    metadata: e.metadata,
    ...(secret === undefined ? {} : { secret }),
    status: e.status,
    url: e.url,
  };
}

export function deletedWebhookEndpointObject(id: string) {
  return { id, object: 'webhook_endpoint', deleted: true };
}

/** A delivery of one event to one endpoint with its attempts (Tessera extension: Stripe shows these in its dashboard). */
export function webhookDeliveryObject(d: DeliveryRecord, attempts: readonly AttemptRecord[]) {
  return {
    id: d.id,
    object: 'webhook_delivery',
    created: unix(d.created),
    event: d.eventId,
    event_type: d.eventType,
    webhook_endpoint: d.endpointId,
    status: d.state,
    attempt_count: d.attemptCount,
    next_attempt: d.state === 'pending' && d.nextAttemptAt ? unix(d.nextAttemptAt) : null,
    attempts: attempts.map((a) => ({
      attempted_at: unix(a.attemptedAt),
      http_status: a.httpStatus,
      error: a.error,
      latency_ms: a.latencyMs,
      response_body: a.responseBody,
    })),
  };
}
