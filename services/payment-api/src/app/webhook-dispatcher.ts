import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import { nextRetryDelaySeconds, type RetrySchedule } from '../domain/retry-schedule.js';
import { signatureHeader } from '../domain/webhook-signature.js';
import type { EventConsumer, EventEnvelope, StripeEvent } from '../events/event.js';
import type { ServiceKeys } from '../secrets.js';
import { appendAudit } from '../store/audit-store.js';
import { OUTBOX_INSERT, outboxRows, SERVICE_REQUEST } from '../store/outbox-store.js';
import {
  abandonDeliveriesOfInactiveEndpoints,
  abandonPendingDeliveries,
  claimDueDeliveries,
  insertDeliveries,
  pendingDeliveriesOf,
  recordAttempt,
  type ClaimedDelivery,
  type DeliveryState,
} from '../store/webhook-delivery-store.js';
import { disableIfFailingThroughout, subscribedEndpoints } from '../store/webhook-endpoint-store.js';
import type { WebhookSender } from '../webhook-client/webhook-sender.js';
import { auditEvents, auditRecord } from './audit.js';
import { webhookEndpointObject } from './serialize-webhooks.js';
import { openWebhookSecret } from './webhook-secrets.js';

/** A periodic job the runtime runs on a timer (never two runs of one task at once in a process). */
export interface BackgroundTask {
  readonly name: string;
  readonly intervalMs: number;
  run(): Promise<unknown>;
}

/** The event the service writes when it disables a failing endpoint (Tessera extension; Stripe has none). */
export const ENDPOINT_DISABLED_EVENT = 'tessera.webhook_endpoint.disabled';

/** The service, not a person, acted: the audit actor of an automatic disabling. */
const SERVICE_ACTOR = 'service:webhook-delivery';

export interface WebhookDispatcherOptions {
  readonly db: Database;
  readonly keys: Pick<ServiceKeys, 'webhookSecret'>;
  readonly sender: WebhookSender;
  readonly schedule: RetrySchedule;
  /** How long one attempt may take; a claimed delivery is leased for a little longer. */
  readonly timeoutMs: number;
  /** @default the system clock (tests move an injected one instead of waiting) */
  readonly now?: () => Date;
  /** Deliveries claimed (and sent concurrently) per round. @default 20 */
  readonly batchSize?: number;
  readonly log?: {
    warn(details: object, message: string): void;
    info(details: object, message: string): void;
  };
}

export interface DeliveryRun {
  readonly succeeded: number;
  readonly failed: number;
  /** Endpoints disabled in this run because they failed throughout a delivery's schedule. */
  readonly disabled: readonly string[];
}

/** Rounds per run at most: a round's successes can make the next events of the same objects due. */
const MAX_ROUNDS = 20;
const LEASE_MARGIN_MS = 5000;

/**
 * Delivers events to webhook endpoints (ADR 0033). `consume` (the event stream's consumer) records one
 * delivery per subscribed endpoint — idempotent per event and endpoint — and sends what is due;
 * `deliverDue` (a periodic task) sends due deliveries and retries failed ones on the schedule, from the
 * database, so retries survive restarts and any number of processes share the work.
 */
export class WebhookDispatcher implements EventConsumer {
  readonly name = 'webhooks';
  private readonly now: () => Date;
  private readonly batchSize: number;
  private background: Promise<void> | null = null;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? 20;
  }

  /**
   * The event stream's consumer: records the deliveries, then sends them in the background, so a slow or
   * hanging receiver never holds up the queue (what this run misses, the periodic task sends).
   */
  async consume(envelope: EventEnvelope): Promise<void> {
    await this.record(envelope);
    this.deliverSoon();
  }

  /** Records the deliveries of an event and sends what is due, waiting for the answers. */
  async recordAndDeliver(envelope: EventEnvelope): Promise<DeliveryRun> {
    await this.record(envelope);
    return this.deliverDue();
  }

  /** Resolves once the background delivery run started by `consume` (if any) has finished. */
  async idle(): Promise<void> {
    await this.background;
  }

  /** One delivery per subscribed endpoint, idempotent per event and endpoint (at-least-once input). */
  private async record({ merchantId, event }: EventEnvelope): Promise<void> {
    const endpoints = await subscribedEndpoints(this.options.db, merchantId, event.type);
    if (endpoints.length === 0) return;
    await insertDeliveries(
      this.options.db,
      merchantId,
      event,
      endpoints.map((e) => ({ id: newId('whdl'), endpointId: e.id })),
      this.now(),
    );
  }

  private deliverSoon(): void {
    if (this.background) return;
    this.background = this.deliverDue()
      .then(() => undefined)
      .catch((err: unknown) => this.options.log?.warn({ err }, 'webhook delivery run failed'))
      .finally(() => {
        this.background = null;
      });
  }

  /** Sends every due delivery (in rounds, so an object's next event follows its previous one at once). */
  async deliverDue(): Promise<DeliveryRun> {
    const run = { succeeded: 0, failed: 0, disabled: [] as string[] };
    await abandonDeliveriesOfInactiveEndpoints(this.options.db);
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const now = this.now();
      const lease = new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS);
      const claimed = await claimDueDeliveries(this.options.db, now, lease, this.batchSize);
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(
        claimed.map((d) =>
          this.attempt(d).catch((err: unknown) => {
            // not recorded: the lease runs out and the delivery is attempted again
            this.options.log?.warn({ err, delivery: d.id }, 'recording a webhook attempt failed');
            return { state: 'pending' as DeliveryState, disabled: undefined };
          }),
        ),
      );
      for (const o of outcomes) {
        if (o.state === 'succeeded') run.succeeded += 1;
        else run.failed += 1;
        if (o.disabled) run.disabled.push(o.disabled);
      }
    }
    return run;
  }

  /** A periodic task running deliverDue, for the runtime's timer. */
  task(intervalMs: number): BackgroundTask {
    return { name: 'webhook-deliveries', intervalMs, run: () => this.deliverDue() };
  }

  private secretsOf(d: ClaimedDelivery, at: Date): string[] {
    const key = this.options.keys.webhookSecret;
    const secrets = [openWebhookSecret(key, d.merchantId, d.endpointId, d.secretSealed)];
    if (d.previousSecretSealed && d.previousSecretExpiresAt && d.previousSecretExpiresAt > at) {
      secrets.push(openWebhookSecret(key, d.merchantId, d.endpointId, d.previousSecretSealed));
    }
    return secrets;
  }

  private async attempt(d: ClaimedDelivery): Promise<{ state: DeliveryState; disabled?: string }> {
    const { db, sender, schedule } = this.options;
    const attemptedAt = this.now();
    const payload = eventPayload(d.event, await pendingDeliveriesOf(db, d.eventId));
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const headers = {
      'stripe-signature': signatureHeader(this.secretsOf(d, attemptedAt), timestamp, payload),
    };
    const started = performance.now();
    const response = await sender.send({ url: d.url, headers, body: payload });
    const latencyMs = Math.max(0, Math.round(performance.now() - started));
    const ok = 'status' in response && response.status >= 200 && response.status < 300;
    const delay = ok ? null : nextRetryDelaySeconds(schedule, d.attemptCount + 1);
    const state: DeliveryState = ok ? 'succeeded' : delay === null ? 'abandoned' : 'pending';
    const nextAttemptAt = delay === null ? null : new Date(attemptedAt.getTime() + delay * 1000);
    return db.transaction(async (tx) => {
      const ended = await recordAttempt(
        tx,
        d,
        {
          attemptedAt,
          httpStatus: 'status' in response ? response.status : null,
          error: 'error' in response ? response.error.slice(0, 500) : null,
          latencyMs,
          responseBody: 'status' in response ? response.body : null,
        },
        { state, nextAttemptAt },
      );
      if (!ok) {
        this.options.log?.warn(
          {
            delivery: d.id,
            endpoint: d.endpointId,
            event: d.eventId,
            attempt: d.attemptCount + 1,
            next: nextAttemptAt,
          },
          'webhook delivery failed',
        );
      }
      if (!ended || state !== 'abandoned') return { state };
      const disabled = await this.disableFailing(tx, d);
      return disabled ? { state, disabled } : { state };
    });
  }

  /** Disables the endpoint of an abandoned delivery when it failed throughout, and tells the merchant. */
  private async disableFailing(tx: Queryable, d: ClaimedDelivery): Promise<string | null> {
    const endpoint = await disableIfFailingThroughout(tx, d.endpointId, d.id);
    if (!endpoint) return null;
    const abandoned = await abandonPendingDeliveries(tx, endpoint.id);
    await tx.query(OUTBOX_INSERT(1, 2), [
      endpoint.merchantId,
      ...outboxRows(
        [{ type: ENDPOINT_DISABLED_EVENT, object: webhookEndpointObject(endpoint) }],
        SERVICE_REQUEST,
      ),
    ]);
    await appendAudit(
      tx,
      auditEvents({ merchantId: endpoint.merchantId, actor: SERVICE_ACTOR }, [
        auditRecord('webhook_endpoint.disable', { endpointId: endpoint.id, deliveryId: d.id, abandoned }),
      ]),
    );
    this.options.log?.info(
      { endpoint: endpoint.id, delivery: d.id },
      'webhook endpoint disabled after failing',
    );
    return endpoint.id;
  }
}

/** The event as sent: Stripe's field order, with `pending_webhooks` as of this attempt. */
export function eventPayload(event: StripeEvent, pendingWebhooks: number): string {
  const { id, object, api_version, created, data, livemode, request, type, ...rest } = event;
  return JSON.stringify({
    id,
    object,
    api_version,
    created,
    data,
    livemode,
    pending_webhooks: pendingWebhooks,
    request,
    type,
    ...rest,
  });
}
