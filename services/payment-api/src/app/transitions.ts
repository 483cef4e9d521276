import type { Queryable } from '../db/database.js';
import type { EventType, Transition } from '../domain/payment-intent.js';
import { appendAudit, type AuditEvent } from '../store/audit-store.js';
import { writeEffects } from '../store/ledger-store.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import { paymentIntentFromRow, type PaymentIntentRecord, type RefundRecord } from '../store/records.js';
import type { CommitHook, RequestContext } from './context.js';
import { chargeObject, paymentIntentObject, refundObject } from './serialize.js';

export const PI_COLUMNS = `id, merchant_id, amount, currency, status, capture_method, payment_method_id, amount_capturable,
  amount_received, amount_refunded, latest_charge, authorization_id, client_secret, description, metadata,
  last_payment_error, cancellation_reason, canceled_at, created_at`;

export type AuditDraft = Omit<AuditEvent, 'merchantId' | 'actor' | 'sourceIp' | 'requestId'>;

/** Locks the payment intent row for the rest of the transaction; null when the merchant has no such intent. */
export async function lockPaymentIntent(
  tx: Queryable,
  merchantId: string,
  id: string,
): Promise<PaymentIntentRecord | null> {
  const { rows } = await tx.query(
    `SELECT ${PI_COLUMNS} FROM payment_intents WHERE id = $1 AND merchant_id = $2 FOR UPDATE`,
    [id, merchantId],
  );
  return rows[0] ? paymentIntentFromRow(rows[0]) : null;
}

/**
 * Persists a transition in the caller's transaction: the new intent state (one UPDATE), then its balanced
 * ledger entries and outbox events (one statement). The audit record is written by `finish`.
 */
export async function persistTransition(
  tx: Queryable,
  before: PaymentIntentRecord,
  transition: Transition,
  changes: {
    latestCharge?: string;
    authorizationId?: string;
    canceled?: boolean;
    refund?: RefundRecord;
    extraEvents?: OutboxEvent[];
  },
): Promise<PaymentIntentRecord> {
  const next = transition.next;
  const { rows } = await tx.query(
    `UPDATE payment_intents
        SET status = $3, payment_method_id = $4, amount_capturable = $5, amount_received = $6, amount_refunded = $7,
            last_payment_error = $8::jsonb, cancellation_reason = $9, latest_charge = coalesce($10, latest_charge),
            authorization_id = coalesce($11, authorization_id),
            canceled_at = CASE WHEN $12 THEN clock_timestamp() ELSE canceled_at END, updated_at = clock_timestamp()
      WHERE id = $1 AND merchant_id = $2
      RETURNING ${PI_COLUMNS}`,
    [
      before.id,
      before.merchantId,
      next.status,
      next.paymentMethodId,
      next.amountCapturable,
      next.amountReceived,
      next.amountRefunded,
      next.lastPaymentError ? JSON.stringify(next.lastPaymentError) : null,
      next.cancellationReason,
      changes.latestCharge ?? null,
      changes.authorizationId ?? null,
      changes.canceled ?? false,
    ],
  );
  const after = paymentIntentFromRow(rows[0] as Record<string, unknown>);
  const events = [
    ...(changes.extraEvents ?? []),
    ...transition.events.map((type) => eventFor(type, after, changes.refund)),
  ];
  await writeEffects(
    tx,
    after.merchantId,
    transition.entries,
    { paymentIntentId: after.id, refundId: changes.refund?.id },
    events,
  );
  return after;
}

/**
 * Ends a mutating request: stores the idempotent response (commit hook), then appends the audit records.
 * The audit insert goes last because it locks the merchant's audit chain head until commit.
 */
export async function finish<T>(
  tx: Queryable,
  ctx: RequestContext,
  hook: CommitHook<T> | undefined,
  result: T,
  audit: readonly AuditDraft[],
): Promise<T> {
  await hook?.store(tx, result);
  await appendAudit(
    tx,
    audit.map((a) => ({
      ...a,
      merchantId: ctx.merchantId,
      actor: ctx.actor,
      sourceIp: ctx.sourceIp,
      requestId: ctx.requestId,
    })),
  );
  return result;
}

/** Audit drafts completed with the request's who/where-from. */
export function auditEvents(ctx: RequestContext, audit: readonly AuditDraft[]): AuditEvent[] {
  return audit.map((a) => ({
    ...a,
    merchantId: ctx.merchantId,
    actor: ctx.actor,
    sourceIp: ctx.sourceIp,
    requestId: ctx.requestId,
  }));
}

export function intentEvent(type: EventType, pi: PaymentIntentRecord): OutboxEvent {
  return { type, objectType: 'payment_intent', objectId: pi.id, object: paymentIntentObject(pi) };
}

export function eventFor(type: EventType, pi: PaymentIntentRecord, refund?: RefundRecord): OutboxEvent {
  if (type === 'refund.created' && refund) {
    return { type, objectType: 'refund', objectId: refund.id, object: refundObject(refund) };
  }
  if (type.startsWith('charge.')) {
    return { type, objectType: 'charge', objectId: pi.latestCharge ?? pi.id, object: chargeObject(pi) };
  }
  return intentEvent(type, pi);
}
