import type { Queryable } from '../db/database.js';
import type { EventType, Transition } from '../domain/payment-intent.js';
import { appendAudit } from '../store/audit-store.js';
import { writeEffects } from '../store/ledger-store.js';
import { appendEvents, type OutboxEvent } from '../store/outbox-store.js';
import {
  unmarkPaymentIntent,
  updatePaymentIntent,
  type IntentChanges,
} from '../store/payment-intent-store.js';
import { attachPaymentMethod } from '../store/payment-method-store.js';
import type { PaymentIntentRecord, RefundRecord } from '../store/records.js';
import { insertRefund, type NewRefund } from '../store/refund-store.js';
import type { Attempt } from './attempt.js';
import { auditEvents, type AuditDraft } from './audit.js';
import { attemptOf, eventRequest, type CommitHook, type RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found } from './errors.js';
import { chargeEventObject, paymentIntentObject, refundObject } from './serialize.js';

/** What a step decided for the held intent, after any call to the acquirer. */
export interface LockedStep {
  readonly transition: Transition;
  /** The state the transition starts from, when the step changed it first. @default the held intent */
  readonly from?: PaymentIntentRecord;
  readonly changes?: IntentChanges;
  /** The refund this transition makes; it is inserted with the transition (its entries and events refer to it). */
  readonly refund?: NewRefund;
  /** The acquirer declined the authorization. @default false */
  readonly declined?: boolean;
}

/** The held intent, the intent as persisted after the transition, the step that took it there and its refund. */
export interface Transitioned<S extends LockedStep> {
  readonly before: PaymentIntentRecord;
  readonly after: PaymentIntentRecord;
  readonly step: S;
  readonly refund?: RefundRecord;
}

/**
 * The one skeleton of every change to an existing payment intent (ADR 0020, phases of ADR 0023):
 *
 * 1. hold the intent for this request's attempt (in process, then on its row; 404 when the merchant has
 *    none; 429 lock_timeout when another request keeps it past the lock timeout) — committed at once, so
 *    no other attempt can act on the intent while this one may have reached the acquirer;
 * 2. `step` decides the transition and calls the acquirer, holding no database lock or connection;
 * 3. one transaction persists the new state (ending the hold), the refund, ledger entries and events, the
 *    idempotent response and the audit record that `complete` derives.
 *
 * A failure before the acquirer may have acted ends the hold; after it, the hold stays with the attempt
 * until a retry or the completer resumes it (same attempt, same acquirer references).
 */
export function withLockedIntent<S extends LockedStep, T>(
  deps: Deps,
  ctx: RequestContext,
  target: { readonly id: string; readonly param?: string },
  hook: CommitHook<T> | undefined,
  step: (held: PaymentIntentRecord, attempt: Attempt) => Promise<S>,
  complete: (done: Transitioned<S>) => { readonly result: T; readonly audit: AuditDraft },
): Promise<T> {
  const attempt = attemptOf(hook);
  return deps.intentLocks.run(`${ctx.merchantId}/${target.id}`, async (deadline) => {
    const held = found(
      await deps.intentLocks.hold(deps.db, ctx.merchantId, target.id, attempt.id, deadline),
      'payment_intent',
      target.id,
      target.param,
    );
    try {
      const decided = await step(held, attempt);
      return await deps.db.transaction(async (tx) => {
        const refund = decided.refund ? await insertRefund(tx, decided.refund) : undefined;
        const after = await persistTransition(
          tx,
          ctx,
          decided.from ?? held,
          decided,
          attempt,
          refund,
          deps.settlementDelayDays,
        );
        const { result, audit } = complete({ before: held, after, step: decided, refund });
        return finish(tx, ctx, hook, result, [audit]);
      });
    } catch (err) {
      if (!attempt.mayHaveActed) {
        await unmarkPaymentIntent(deps.db, ctx.merchantId, target.id, attempt.id).catch(() => {
          attempt.holdsIntent = true;
        });
      }
      throw err;
    }
  });
}

/**
 * Persists a transition in the caller's transaction: the new intent state (one UPDATE, which ends the
 * attempt's hold), then its balanced ledger entries and outbox events (one statement).
 */
async function persistTransition(
  tx: Queryable,
  ctx: RequestContext,
  before: PaymentIntentRecord,
  step: LockedStep,
  attempt: Attempt,
  refund: RefundRecord | undefined,
  settlementDelayDays: number,
): Promise<PaymentIntentRecord> {
  const after = await updatePaymentIntent(tx, before, step.transition.next, step.changes ?? {}, attempt.id);
  const attachTo = step.changes?.attachTo;
  if (attachTo && after.paymentMethodId) {
    await attachPaymentMethod(tx, after.merchantId, after.paymentMethodId, attachTo);
  }
  const events = step.transition.events.map((type) => eventFor(type, after, refund));
  await writeEffects(
    tx,
    after.merchantId,
    step.transition.entries,
    { paymentIntentId: after.id, refundId: refund?.id },
    events,
    eventRequest(ctx),
    settlementDelayDays,
  );
  return after;
}

/**
 * Ends a mutating request in its transaction: writes its events to the outbox, stores the idempotent
 * response (commit hook) and appends the audit records, which `sealAudit` links into the merchant's hash
 * chain once committed.
 */
export async function finish<T>(
  tx: Queryable,
  ctx: RequestContext,
  hook: CommitHook<T> | undefined,
  result: T,
  audit: readonly AuditDraft[],
  events: readonly OutboxEvent[] = [],
): Promise<T> {
  await appendEvents(tx, ctx.merchantId, events, eventRequest(ctx));
  await hook?.store(tx, result);
  await appendAudit(tx, auditEvents(ctx, audit));
  return result;
}

/** The outbox event of `type` for an intent (and the refund that caused it), carrying its Stripe object. */
export function eventFor(type: EventType, pi: PaymentIntentRecord, refund?: RefundRecord): OutboxEvent {
  if (type === 'refund.created' && refund) return { type, object: refundObject(refund) };
  return { type, object: type.startsWith('charge.') ? chargeEventObject(pi) : paymentIntentObject(pi) };
}
