import type { Queryable } from '../db/database.js';
import type { Currency } from '../domain/currency.js';
import { randomToken } from '../domain/ids.js';
import type { LedgerEntry } from '../domain/ledger.js';
import {
  applyAuthorization,
  cancel as cancelTransition,
  capture as captureTransition,
  createPaymentIntent as initialState,
  prepareConfirm,
  type AuthorizationOutcome,
  type CancellationReason,
  type CaptureMethod,
} from '../domain/payment-intent.js';
import type { Page } from '../store/keyset-page.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import { findVaultedCard, type VaultedCard } from '../store/payment-method-store.js';
import {
  findPaymentIntent,
  insertIntentWithEffects,
  listPaymentIntents,
} from '../store/payment-intent-store.js';
import type { Metadata, PaymentIntentRecord } from '../store/records.js';
import type { Attempt } from './attempt.js';
import { auditEvents, auditRecord } from './audit.js';
import { attemptOf, type CommitHook, type RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';
import { eventFor, withLockedIntent, type LockedStep } from './transitions.js';

/** `declined` is true when this request's confirmation was declined by the acquirer (HTTP 402). */
export interface IntentResult {
  readonly intent: PaymentIntentRecord;
  readonly declined: boolean;
}

export interface CreateIntentInput {
  readonly amount: number;
  readonly currency: Currency;
  readonly paymentMethodId: string | null;
  readonly confirm: boolean;
  readonly captureMethod: CaptureMethod;
  readonly description: string | null;
  readonly metadata: Metadata;
}

const VAULTED_CARD_CACHE_MAX = 10_000;

/**
 * The merchant's vaulted card (sealed), or 404 naming the payment_method parameter. Vaulted cards are
 * immutable once written (never updated or deleted), so they are cached sealed — ciphertext, never the PAN —
 * in `deps.sealedCards` to save a round trip per payment.
 */
async function loadCard(deps: Deps, db: Queryable, merchantId: string, id: string): Promise<VaultedCard> {
  const cacheKey = `${merchantId}/${id}`;
  const cached = deps.sealedCards.get(cacheKey);
  if (cached) return cached;
  const card = found(await findVaultedCard(db, merchantId, id), 'payment_method', id, 'payment_method');
  if (deps.sealedCards.size >= VAULTED_CARD_CACHE_MAX) deps.sealedCards.clear();
  deps.sealedCards.set(cacheKey, card);
  return card;
}

/**
 * Creates (and with confirm=true authorizes) a payment intent. The acquirer is called before anything is
 * written — the intent does not exist yet, so nobody can race for it — and then the intent, its ledger
 * postings, events, audit record and idempotent response are written by one statement. Its id is the
 * attempt's: a retry after a failed write creates the same intent from the acquirer's original answers.
 */
export async function createIntent(
  deps: Deps,
  ctx: RequestContext,
  input: CreateIntentInput,
  hook?: CommitHook<IntentResult>,
): Promise<IntentResult> {
  const attempt = attemptOf(hook);
  const card = input.paymentMethodId
    ? await loadCard(deps, deps.db, ctx.merchantId, input.paymentMethodId)
    : null;
  const id = attempt.objectId('pi');
  const created: PaymentIntentRecord = {
    ...initialState(input),
    id,
    merchantId: ctx.merchantId,
    latestCharge: null,
    authorizationId: null,
    clientSecret: `${id}_secret_${randomToken(24)}`,
    description: input.description,
    metadata: input.metadata,
    canceledAt: null,
    created: new Date(),
  };
  const events: OutboxEvent[] = [eventFor('payment_intent.created', created)];
  let result: IntentResult = { intent: created, declined: false };
  let entries: readonly LedgerEntry[] = [];
  if (input.confirm) {
    const authorized = await authorize(deps, ctx, attempt, created, null, card);
    const intent: PaymentIntentRecord = {
      ...authorized.from,
      ...authorized.transition.next,
      latestCharge: authorized.changes.latestCharge,
      authorizationId: authorized.changes.authorizationId ?? null,
    };
    result = { intent, declined: authorized.declined };
    entries = authorized.transition.entries;
    events.push(...authorized.transition.events.map((type) => eventFor(type, intent)));
  }
  // One audit record per request; a declined confirmation is a failed outcome.
  const audit = input.confirm
    ? auditRecord('payment_intent.create_and_confirm', result)
    : auditRecord('payment_intent.create', result);
  await insertIntentWithEffects(
    deps.db,
    result.intent,
    entries,
    events,
    auditEvents(ctx, [audit]),
    hook?.prepare(result) ?? null,
  );
  return result;
}

/**
 * Opens the card from the vault and asks the acquirer under the attempt's charge id; automatic capture
 * captures at once. The result is the confirm transition, starting from the intent with its payment method
 * attached.
 */
async function authorize(
  deps: Deps,
  ctx: RequestContext,
  attempt: Attempt,
  pi: PaymentIntentRecord,
  paymentMethodId: string | null,
  loadedCard: VaultedCard | null,
) {
  const from: PaymentIntentRecord = { ...pi, ...prepareConfirm(pi, paymentMethodId) };
  const pmId = from.paymentMethodId as string;
  const card = loadedCard ?? (await loadCard(deps, deps.db, ctx.merchantId, pmId));
  const pan = await deps.vault.open({ merchantId: ctx.merchantId, tokenId: pmId, sealed: card.sealed });
  const charge = attempt.objectId('ch');
  const auth = await attempt.callAcquirer(() =>
    deps.acquirer.authorize({
      amount: pi.amount,
      currency: pi.currency,
      pan,
      expMonth: card.expMonth,
      expYear: card.expYear,
      cvc: deps.cvc.take(pmId),
      reference: charge,
    }),
  );
  let outcome: AuthorizationOutcome;
  if (auth.approved) {
    if (pi.captureMethod === 'automatic') {
      const authorizationId = auth.authorizationId;
      await attempt.callAcquirer(() =>
        deps.acquirer.capture({
          authorizationId,
          amount: pi.amount,
          reference: attempt.reference('capture'),
        }),
      );
    }
    outcome = { approved: true };
  } else {
    // Stripe reports insufficient funds as code card_declined with decline_code insufficient_funds.
    const code = auth.code === 'insufficient_funds' ? 'card_declined' : auth.code;
    outcome = {
      approved: false,
      error: { code, declineCode: auth.declineCode ?? auth.code, message: auth.message },
    };
  }
  return {
    from,
    transition: applyAuthorization(from, outcome),
    declined: !auth.approved,
    changes: {
      latestCharge: charge,
      authorizationId: auth.approved ? auth.authorizationId : undefined,
    },
  };
}

/** What a confirm, capture or cancel step gets: the request, the held intent and the attempt. */
interface ChangeRequest<I> {
  readonly deps: Deps;
  readonly ctx: RequestContext;
  readonly input: I;
  readonly held: PaymentIntentRecord;
  readonly attempt: Attempt;
}

/** A change to an existing intent as the routes call it; the result is the intent as persisted. */
export type IntentChange<I> = (
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: I,
  hook?: CommitHook<IntentResult>,
) => Promise<IntentResult>;

/** A confirm, capture or cancel: the transition skeleton, its audit action and the step in between. */
function intentChange<I>(
  action: 'payment_intent.confirm' | 'payment_intent.capture' | 'payment_intent.cancel',
  step: (request: ChangeRequest<I>) => Promise<LockedStep>,
): IntentChange<I> {
  return (deps, ctx, id, input, hook) =>
    withLockedIntent(
      deps,
      ctx,
      { id },
      hook,
      (held, attempt) => step({ deps, ctx, input, held, attempt }),
      ({ before, after, step: done }) => {
        const declined = done.declined ?? false;
        return {
          result: { intent: after, declined },
          audit: auditRecord(action, { before, after, declined }),
        };
      },
    );
}

export const confirmIntent = intentChange<{ paymentMethodId: string | null }>(
  'payment_intent.confirm',
  async ({ deps, ctx, input, held, attempt }) => {
    const card = input.paymentMethodId
      ? await loadCard(deps, deps.db, ctx.merchantId, input.paymentMethodId)
      : null;
    return authorize(deps, ctx, attempt, held, input.paymentMethodId, card);
  },
);

export const captureIntent = intentChange<{ amountToCapture: number | null }>(
  'payment_intent.capture',
  async ({ deps, input, held, attempt }) => {
    const transition = captureTransition(held, input.amountToCapture ?? undefined);
    await attempt.callAcquirer(() =>
      deps.acquirer.capture({
        authorizationId: held.authorizationId as string,
        amount: transition.next.amountReceived,
        reference: attempt.reference('capture'),
      }),
    );
    return { transition };
  },
);

export const cancelIntent = intentChange<{ reason: CancellationReason | null }>(
  'payment_intent.cancel',
  async ({ deps, input, held, attempt }) => {
    const transition = cancelTransition(held, input.reason);
    const authorizationId = held.authorizationId;
    if (held.status === 'requires_capture' && authorizationId) {
      await attempt.callAcquirer(() =>
        deps.acquirer.void({ authorizationId, reference: attempt.reference('void') }),
      );
    }
    return { transition, changes: { canceled: true } };
  },
);

export async function getIntent(deps: Deps, merchantId: string, id: string): Promise<PaymentIntentRecord> {
  return found(await findPaymentIntent(deps.db, merchantId, id), 'payment_intent', id);
}

export async function listIntents(deps: Deps, merchantId: string, page: Page) {
  return foundPage(await listPaymentIntents(deps.db, merchantId, page), 'payment_intent', page);
}
