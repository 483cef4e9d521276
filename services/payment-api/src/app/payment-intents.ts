import type { Currency } from '../domain/currency.js';
import { DomainError } from '../domain/errors.js';
import { randomToken } from '../domain/ids.js';
import type { LedgerEntry } from '../domain/ledger.js';
import {
  applyAuthorization,
  cancel as cancelTransition,
  completeAuthentication,
  requireAuthentication,
  type Transition,
  capture as captureTransition,
  createPaymentIntent as initialState,
  prepareConfirm,
  type AuthorizationOutcome,
  type CancellationReason,
  type CaptureMethod,
} from '../domain/payment-intent.js';
import { parseSearchQuery } from '../domain/search-query.js';
import type { CreatedRange, Page } from '../store/keyset-page.js';
import { searchPaymentIntents } from '../store/payment-intent-search.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import {
  findVaultedCard,
  restoreCvc,
  takeCvc,
  takeVaultedCard,
  type VaultedCard,
} from '../store/payment-method-store.js';
import {
  findPaymentIntent,
  insertIntentWithEffects,
  listPaymentIntents,
  type IntentChanges,
} from '../store/payment-intent-store.js';
import type { IntentDetails, Metadata, PaymentIntentRecord, SetupFutureUsage } from '../store/records.js';
import type { SealedCvc } from '../vault/index.js';
import type { Attempt } from './attempt.js';
import { auditEvents, auditRecord } from './audit.js';
import { challengeSecret, challengeUrl } from './authentication.js';
import { attemptOf, eventRequest, type CommitHook, type RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { liveCustomer } from './customers.js';
import { found, foundPage } from './errors.js';
import { DETACHED_MESSAGE, resolvePaymentMethod } from './payment-methods.js';
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
  /** Absent in requests stored before customers existed. */
  readonly customerId?: string | null;
  readonly setupFutureUsage?: SetupFutureUsage | null;
  readonly offSession?: boolean;
  readonly returnUrl?: string | null;
  /** Descriptive fields (receipt_email, shipping, …). @default none (requests stored before they existed) */
  readonly details?: IntentDetails;
}

const VAULTED_CARD_CACHE_MAX = 10_000;

type CachedCard = { readonly card: VaultedCard; cvcTaken: boolean };

function cache(deps: Deps, key: string, entry: CachedCard): CachedCard {
  if (deps.sealedCards.size >= VAULTED_CARD_CACHE_MAX) deps.sealedCards.clear();
  deps.sealedCards.set(key, entry);
  return entry;
}

/**
 * A card may pay for the intent's customer (ADR 0026, Stripe's rules): a detached card never again; a card
 * attached to a customer only for that customer.
 */
export function checkOwner(card: VaultedCard, customerId: string | null): void {
  if (card.detached) {
    throw new DomainError('payment_method_unexpected_state', DETACHED_MESSAGE, 'payment_method');
  }
  if (card.customerId === null || card.customerId === customerId) return;
  throw new DomainError(
    'payment_method_unexpected_state',
    customerId === null
      ? 'The provided PaymentMethod was previously attached to a Customer. To use a PaymentMethod attached ' +
          'to a Customer, you must also pass the Customer ID in the customer parameter.'
      : 'The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent.',
    'payment_method',
  );
}

/**
 * Caches a card that is attached to no customer. Its PAN and brand never change, so it is kept sealed —
 * ciphertext, never the PAN — in `deps.sealedCards` to save a round trip per payment. A saved (attached)
 * card is read on every payment instead: its detach, or its customer's deletion, on any instance must stop
 * the next payment (ADR 0026).
 */
function cacheUnattached(deps: Deps, key: string, entry: CachedCard): CachedCard {
  return entry.card.customerId === null && !entry.card.detached ? cache(deps, key, entry) : entry;
}

/**
 * Checks that the merchant has the payment method (404 naming the payment_method parameter otherwise) and
 * that it may pay for `customerId`, without touching its CVC.
 */
async function requireCard(
  deps: Deps,
  merchantId: string,
  id: string,
  customerId: string | null,
): Promise<void> {
  const key = `${merchantId}/${id}`;
  const cached = deps.sealedCards.get(key);
  if (cached) return checkOwner(cached.card, customerId);
  const card = found(await findVaultedCard(deps.db, merchantId, id), 'payment_method', id, 'payment_method');
  checkOwner(card, customerId);
  cacheUnattached(deps, key, { card, cvcTaken: false });
}

/**
 * The card for an authorization, with its CVC if one is still sealed for it: the CVC is taken (deleted from
 * the vault) whatever the outcome — PCI DSS 3.3.1 keeps no CVC past its authorization — by the same
 * statement that reads the card, or by one of its own when the card is cached; once taken, a card in the
 * cache is known to have none, so later payments with it cost no lookup.
 */
export async function cardForAuthorization(
  deps: Deps,
  merchantId: string,
  id: string,
  customerId: string | null,
): Promise<{ card: VaultedCard; cvc: SealedCvc | null }> {
  const key = `${merchantId}/${id}`;
  const cached = deps.sealedCards.get(key);
  if (cached) checkOwner(cached.card, customerId);
  if (cached?.cvcTaken) return { card: cached.card, cvc: null };
  if (cached) {
    const cvc = await takeCvc(deps.db, merchantId, id);
    cached.cvcTaken = true;
    return { card: cached.card, cvc };
  }
  // Read and CVC taken in one statement; a card refused here loses its CVC (fails closed, ADR 0024).
  const taken = found(await takeVaultedCard(deps.db, merchantId, id), 'payment_method', id, 'payment_method');
  checkOwner(taken.card, customerId);
  cacheUnattached(deps, key, { card: taken.card, cvcTaken: true });
  return taken;
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
  const customerId = input.customerId ?? null;
  if (customerId) await liveCustomer(deps, ctx.merchantId, customerId, 'customer');
  const paymentMethodId = input.paymentMethodId
    ? await resolvePaymentMethod(deps, ctx, input.paymentMethodId, attempt.objectId('pm'))
    : null;
  if (paymentMethodId && !input.confirm) await requireCard(deps, ctx.merchantId, paymentMethodId, customerId);
  const id = attempt.objectId('pi');
  const created: PaymentIntentRecord = {
    ...initialState({ ...input, paymentMethodId }),
    customerId,
    setupFutureUsage: input.setupFutureUsage ?? null,
    authentication: null,
    authenticationChallenge: null,
    authenticationUrl: null,
    returnUrl: null,
    id,
    merchantId: ctx.merchantId,
    latestCharge: null,
    authorizationId: null,
    clientSecret: `${id}_secret_${randomToken(24)}`,
    description: input.description,
    metadata: input.metadata,
    details: input.details ?? {},
    canceledAt: null,
    cvcCheck: null,
    created: new Date(),
  };
  const events: OutboxEvent[] = [eventFor('payment_intent.created', created)];
  let result: IntentResult = { intent: created, declined: false };
  let entries: readonly LedgerEntry[] = [];
  let attach = false;
  if (input.confirm) {
    const authorized = await authorize(deps, ctx, attempt, created, null, {
      offSession: input.offSession ?? false,
      returnUrl: input.returnUrl ?? null,
    });
    const challenge = authorized.changes.authentication;
    const intent: PaymentIntentRecord = {
      ...authorized.from,
      ...authorized.transition.next,
      latestCharge: authorized.changes.latestCharge ?? null,
      cvcCheck: authorized.changes.cvcCheck ?? null,
      authorizationId: authorized.changes.authorizationId ?? null,
      authentication: authorized.transition.next.authentication ?? null,
      authenticationChallenge: challenge?.challenge ?? null,
      authenticationUrl: challenge?.url ?? null,
      returnUrl: challenge?.returnUrl ?? null,
    };
    result = { intent, declined: authorized.declined };
    entries = authorized.transition.entries;
    attach = authorized.changes.attachTo !== undefined;
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
    eventRequest(ctx),
    auditEvents(ctx, [audit]),
    hook?.prepare(result) ?? null,
    attach,
    deps.settlementDelayDays,
  );
  if (attach) deps.sealedCards.delete(`${ctx.merchantId}/${paymentMethodId}`);
  return result;
}

/** Options of a confirmation that the intent does not keep. */
export interface ConfirmOptions {
  /** The cardholder is not present: a challenge cannot be answered, the payment fails instead. */
  readonly offSession: boolean;
  /** Where a 3D Secure challenge page sends the cardholder back to. */
  readonly returnUrl: string | null;
}

/** A confirmation's decision: the transition from the intent with its payment method attached. */
export interface AuthorizeStep {
  readonly from: PaymentIntentRecord;
  readonly transition: Transition;
  readonly declined: boolean;
  readonly changes: IntentChanges;
}

const AUTHENTICATION_REQUIRED = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

/**
 * Opens the card (and its CVC, if one is still sealed) from the vault and asks the acquirer under the
 * attempt's charge id; automatic capture captures at once. When the issuer wants the cardholder to
 * authenticate first (3D Secure, ADR 0027), the intent goes to requires_action instead — nothing is
 * authorized and the CVC is put back for the authorization that follows the challenge — or, off-session,
 * fails with authentication_required. The result is the confirm transition, starting from the intent with
 * its payment method attached.
 */
async function authorize(
  deps: Deps,
  ctx: RequestContext,
  attempt: Attempt,
  pi: PaymentIntentRecord,
  paymentMethodId: string | null,
  options: ConfirmOptions = { offSession: false, returnUrl: null },
): Promise<AuthorizeStep> {
  const from: PaymentIntentRecord = { ...pi, ...prepareConfirm(pi, paymentMethodId) };
  const tokenId = from.paymentMethodId as string;
  const merchantId = ctx.merchantId;
  // read before the acquirer is called: nothing that can fail stands between its answer and the write
  const fees = await deps.fees.of(merchantId);
  const { card, cvc } = await cardForAuthorization(deps, merchantId, tokenId, pi.customerId);
  const pan = await deps.vault.open({ merchantId, tokenId, sealed: card.sealed });
  const charge = attempt.objectId('ch');
  const authenticated = pi.status === 'requires_action' && pi.authentication === 'succeeded';
  const decision =
    authenticated || !deps.acquirer.authentication
      ? 'none'
      : await deps.acquirer.authentication({
          pan,
          amount: pi.amount,
          currency: pi.currency,
          offSession: options.offSession,
          saved: card.customerId !== null,
        });
  if (decision === 'challenge') {
    if (cvc) {
      await restoreCvc(deps.db, merchantId, tokenId, cvc);
      const cached = deps.sealedCards.get(`${merchantId}/${tokenId}`);
      if (cached) cached.cvcTaken = false;
    }
    const secret = challengeSecret(deps.keys, pi.id, attempt.id);
    return {
      from,
      transition: requireAuthentication(from),
      declined: false,
      changes: {
        authentication: {
          state: 'pending',
          challenge: attempt.id,
          url: challengeUrl(ctx.origin, pi.id, secret),
          returnUrl: options.returnUrl,
        },
      },
    };
  }
  if (decision === 'required_off_session') {
    return {
      from,
      transition: applyAuthorization(from, { approved: false, error: AUTHENTICATION_REQUIRED }),
      declined: true,
      changes: { latestCharge: charge, cvcCheck: null },
    };
  }
  const cvcValue = cvc ? await deps.vault.openCvc({ merchantId, tokenId, sealed: cvc }) : undefined;
  const auth = await attempt.callAcquirer(() =>
    deps.acquirer.authorize({
      amount: pi.amount,
      currency: pi.currency,
      pan,
      expMonth: card.expMonth,
      expYear: card.expYear,
      ...(cvcValue === undefined ? {} : { cvc: cvcValue }),
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
    transition: applyAuthorization(from, outcome, fees),
    declined: !auth.approved,
    changes: {
      latestCharge: charge,
      cvcCheck: auth.cvcCheck,
      ...(auth.approved ? { authorizationId: auth.authorizationId } : {}),
      ...(authenticated ? { authentication: { state: 'succeeded' as const } } : {}),
      // setup_future_usage: a successful payment saves the card to the intent's customer.
      ...(auth.approved && pi.setupFutureUsage && pi.customerId && card.customerId === null
        ? { attachTo: pi.customerId }
        : {}),
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
  action:
    | 'payment_intent.confirm'
    | 'payment_intent.authenticate'
    | 'payment_intent.capture'
    | 'payment_intent.cancel',
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

export interface ConfirmInput {
  readonly paymentMethodId: string | null;
  /** Absent in requests stored before customers existed. */
  readonly setupFutureUsage?: SetupFutureUsage | null;
  readonly offSession?: boolean;
  readonly returnUrl?: string | null;
}

export const confirmIntent = intentChange<ConfirmInput>(
  'payment_intent.confirm',
  async ({ deps, ctx, input, held, attempt }) => {
    const paymentMethodId = input.paymentMethodId
      ? await resolvePaymentMethod(deps, ctx, input.paymentMethodId, attempt.objectId('pm'))
      : null;
    const setupFutureUsage = input.setupFutureUsage ?? held.setupFutureUsage;
    const step = await authorize(deps, ctx, attempt, { ...held, setupFutureUsage }, paymentMethodId, {
      offSession: input.offSession ?? false,
      returnUrl: input.returnUrl ?? null,
    });
    if (step.changes.attachTo) deps.sealedCards.delete(`${ctx.merchantId}/${step.from.paymentMethodId}`);
    return { ...step, changes: { ...step.changes, setupFutureUsage } };
  },
);

/**
 * The cardholder's answer to a 3D Secure challenge (the simulated page's approve or fail): approved, the
 * intent is authorized at once, as Stripe completes it without another confirm; failed, it needs a new
 * payment method (payment_intent_authentication_failure).
 */
export const authenticateIntent = intentChange<{ approved: boolean }>(
  'payment_intent.authenticate',
  async ({ deps, ctx, input, held, attempt }) => {
    const outcome = completeAuthentication(held, input.approved);
    if ('entries' in outcome) {
      return { transition: outcome, declined: true, changes: { authentication: { state: 'failed' } } };
    }
    return authorize(deps, ctx, attempt, { ...held, ...outcome }, null);
  },
);

export const captureIntent = intentChange<{ amountToCapture: number | null }>(
  'payment_intent.capture',
  async ({ deps, ctx, input, held, attempt }) => {
    const fees = await deps.fees.of(ctx.merchantId);
    const transition = captureTransition(held, input.amountToCapture ?? undefined, fees);
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

export async function listIntents(
  deps: Deps,
  merchantId: string,
  page: Page,
  created: CreatedRange = {},
  customerId: string | null = null,
) {
  return foundPage(
    await listPaymentIntents(deps.db, merchantId, page, { customer_id: customerId }, created),
    'payment_intent',
    page,
  );
}

/** Payment intents matching a search query (Stripe's query language), newest first. */
export async function searchIntents(
  deps: Deps,
  merchantId: string,
  query: string,
  limit: number,
  page: string | null,
) {
  return searchPaymentIntents(deps.db, merchantId, parseSearchQuery(query), limit, page);
}
