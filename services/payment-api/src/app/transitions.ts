import type { Queryable } from '../db/database.js';
import type { EventType, Transition } from '../domain/payment-intent.js';
import { appendAudit } from '../store/audit-store.js';
import { writeEffects } from '../store/ledger-store.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import { lockPaymentIntent, updatePaymentIntent, type IntentChanges } from '../store/payment-intent-store.js';
import type { PaymentIntentRecord, RefundRecord } from '../store/records.js';
import { auditEvents, type AuditDraft } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found } from './errors.js';
import { chargeObject, paymentIntentObject, refundObject } from './serialize.js';

/** What a step decided for the locked intent, after any call to the acquirer. */
export interface LockedStep {
  readonly transition: Transition;
  /** The state the transition starts from, when the step changed it first. @default the locked intent */
  readonly from?: PaymentIntentRecord;
  readonly changes?: IntentChanges;
  /** The refund this transition makes (its ledger entries and events refer to it). */
  readonly refund?: RefundRecord;
  /** The acquirer declined the authorization. @default false */
  readonly declined?: boolean;
}

/** The locked intent, the intent as persisted after the transition, and the step that took it there. */
export interface Transitioned<S extends LockedStep> {
  readonly before: PaymentIntentRecord;
  readonly after: PaymentIntentRecord;
  readonly step: S;
}

/**
 * The one skeleton of every change to an existing payment intent, in one transaction: lock the intent's row
 * (404 when the merchant has none), let `step` decide the transition and call the acquirer while the lock is
 * held (two requests on one intent never both reach it), persist the new state with its ledger entries and
 * events, then store the idempotent response and the audit record that `complete` derives.
 */
export function withLockedIntent<S extends LockedStep, T>(
  deps: Deps,
  ctx: RequestContext,
  target: { readonly id: string; readonly param?: string },
  hook: CommitHook<T> | undefined,
  step: (tx: Queryable, locked: PaymentIntentRecord) => Promise<S>,
  complete: (done: Transitioned<S>) => { readonly result: T; readonly audit: AuditDraft },
): Promise<T> {
  return deps.db.transaction(async (tx) => {
    const locked = found(
      await lockPaymentIntent(tx, ctx.merchantId, target.id),
      'payment_intent',
      target.id,
      target.param,
    );
    const decided = await step(tx, locked);
    const after = await persistTransition(tx, decided.from ?? locked, decided);
    const { result, audit } = complete({ before: locked, after, step: decided });
    return finish(tx, ctx, hook, result, [audit]);
  });
}

/**
 * Persists a transition in the caller's transaction: the new intent state (one UPDATE), then its balanced
 * ledger entries and outbox events (one statement).
 */
async function persistTransition(
  tx: Queryable,
  before: PaymentIntentRecord,
  step: LockedStep,
): Promise<PaymentIntentRecord> {
  const after = await updatePaymentIntent(tx, before, step.transition.next, step.changes ?? {});
  const events = step.transition.events.map((type) => eventFor(type, after, step.refund));
  await writeEffects(
    tx,
    after.merchantId,
    step.transition.entries,
    { paymentIntentId: after.id, refundId: step.refund?.id },
    events,
  );
  return after;
}

/**
 * Ends a mutating request in its transaction: stores the idempotent response (commit hook) and appends the
 * audit records, which `sealAudit` links into the merchant's hash chain once committed.
 */
export async function finish<T>(
  tx: Queryable,
  ctx: RequestContext,
  hook: CommitHook<T> | undefined,
  result: T,
  audit: readonly AuditDraft[],
): Promise<T> {
  await hook?.store(tx, result);
  await appendAudit(tx, auditEvents(ctx, audit));
  return result;
}

/** The outbox event of `type` for an intent (and the refund that caused it), carrying its Stripe object. */
export function eventFor(type: EventType, pi: PaymentIntentRecord, refund?: RefundRecord): OutboxEvent {
  if (type === 'refund.created' && refund) return { type, object: refundObject(refund) };
  return { type, object: type.startsWith('charge.') ? chargeObject(pi) : paymentIntentObject(pi) };
}
