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
import { parseSearchQuery } from '../domain/search-query.js';
import type { CreatedRange, Page } from '../store/keyset-page.js';
import { searchPaymentIntents } from '../store/payment-intent-search.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import {
  findVaultedCard,
  takeCvc,
  takeVaultedCard,
  type VaultedCard,
} from '../store/payment-method-store.js';
import {
  findPaymentIntent,
  insertIntentWithEffects,
  listPaymentIntents,
} from '../store/payment-intent-store.js';
import type { IntentDetails, Metadata, PaymentIntentRecord } from '../store/records.js';
import type { SealedCvc } from '../vault/index.js';
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
 * Checks that the merchant has the payment method (404 naming the payment_method parameter otherwise),
 * without touching its CVC. Vaulted cards are immutable once written (never updated or deleted), so they
 * are cached sealed — ciphertext, never the PAN — in `deps.sealedCards` to save a round trip per payment.
 */
async function requireCard(deps: Deps, merchantId: string, id: string): Promise<void> {
  const key = `${merchantId}/${id}`;
  if (deps.sealedCards.has(key)) return;
  const card = found(await findVaultedCard(deps.db, merchantId, id), 'payment_method', id, 'payment_method');
  cache(deps, key, { card, cvcTaken: false });
}

/**
 * The card for an authorization, with its CVC if one is still sealed for it: the CVC is taken (deleted from
 * the vault) whatever the outcome — PCI DSS 3.3.1 keeps no CVC past its authorization — by the same
 * statement that reads the card, or by one of its own when the card is cached; once taken, a card in the
 * cache is known to have none, so later payments with it cost no lookup.
 */
async function cardForAuthorization(
  deps: Deps,
  merchantId: string,
  id: string,
): Promise<{ card: VaultedCard; cvc: SealedCvc | null }> {
  const key = `${merchantId}/${id}`;
  const cached = deps.sealedCards.get(key);
  if (cached?.cvcTaken) return { card: cached.card, cvc: null };
  if (cached) {
    const cvc = await takeCvc(deps.db, merchantId, id);
    cached.cvcTaken = true;
    return { card: cached.card, cvc };
  }
  const taken = found(await takeVaultedCard(deps.db, merchantId, id), 'payment_method', id, 'payment_method');
  cache(deps, key, { card: taken.card, cvcTaken: true });
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
  if (input.paymentMethodId && !input.confirm) await requireCard(deps, ctx.merchantId, input.paymentMethodId);
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
    details: input.details ?? {},
    canceledAt: null,
    cvcCheck: null,
    created: new Date(),
  };
  const events: OutboxEvent[] = [eventFor('payment_intent.created', created)];
  let result: IntentResult = { intent: created, declined: false };
  let entries: readonly LedgerEntry[] = [];
  if (input.confirm) {
    const authorized = await authorize(deps, ctx, attempt, created, null);
    const intent: PaymentIntentRecord = {
      ...authorized.from,
      ...authorized.transition.next,
      latestCharge: authorized.changes.latestCharge,
      cvcCheck: authorized.changes.cvcCheck,
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
 * Opens the card (and its CVC, if one is still sealed) from the vault and asks the acquirer under the
 * attempt's charge id; automatic capture captures at once. The result is the confirm transition, starting
 * from the intent with its payment method attached.
 */
async function authorize(
  deps: Deps,
  ctx: RequestContext,
  attempt: Attempt,
  pi: PaymentIntentRecord,
  paymentMethodId: string | null,
) {
  const from: PaymentIntentRecord = { ...pi, ...prepareConfirm(pi, paymentMethodId) };
  const tokenId = from.paymentMethodId as string;
  const merchantId = ctx.merchantId;
  // read before the acquirer is called: nothing that can fail stands between its answer and the write
  const fees = await deps.fees.of(merchantId);
  const { card, cvc } = await cardForAuthorization(deps, merchantId, tokenId);
  const pan = await deps.vault.open({ merchantId, tokenId, sealed: card.sealed });
  const cvcValue = cvc ? await deps.vault.openCvc({ merchantId, tokenId, sealed: cvc }) : undefined;
  const charge = attempt.objectId('ch');
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
  async ({ deps, ctx, input, held, attempt }) => authorize(deps, ctx, attempt, held, input.paymentMethodId),
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

export async function listIntents(deps: Deps, merchantId: string, page: Page, created: CreatedRange = {}) {
  return foundPage(await listPaymentIntents(deps.db, merchantId, page, {}, created), 'payment_intent', page);
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
