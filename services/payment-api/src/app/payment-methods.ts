import { DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Page } from '../store/keyset-page.js';
import {
  attachPaymentMethod,
  detachPaymentMethod,
  findPaymentMethod,
  insertPaymentMethod,
  listPaymentMethods,
  updatePaymentMethod,
  type PaymentMethodChanges,
} from '../store/payment-method-store.js';
import type { BillingDetails, Metadata, PaymentMethodRecord } from '../store/records.js';
import type { Queryable } from '../db/database.js';
import {
  normalizeCardNumber,
  validateCard,
  type CardInput,
  type SealedCard,
  type SealedCvc,
} from '../vault/index.js';
import { auditRecord, type AuditDraft } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import { liveCustomer } from './customers.js';
import type { Deps } from './deps.js';
import { CardError, found, foundPage } from './errors.js';
import { updatedEvent } from './event-changes.js';
import { paymentMethodObject } from './serialize.js';
import { testCardExpiry, testPaymentMethodNumber } from './test-payment-methods.js';
import { finish } from './transitions.js';

export interface NewPaymentMethod {
  readonly card: CardInput;
  readonly metadata: Metadata;
  readonly billingDetails?: BillingDetails;
  /** The id to create it under (a test id resolved under a request's attempt). @default a new pm_ id */
  readonly id?: string;
  readonly customerId?: string;
}

/** A card sealed by the vault, ready to be stored (in the caller's transaction) as a payment method. */
export interface SealedPaymentMethod {
  readonly input: NewPaymentMethod;
  readonly id: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly sealed: SealedCard;
  readonly cvc: SealedCvc | null;
}

/**
 * Validates a card and seals it. The PAN is sealed before anything touches the database; a CVC is sealed
 * under its own data key until its first authorization on any instance, for at most `deps.cvcTtlSeconds`.
 */
export async function sealPaymentMethod(
  deps: Deps,
  ctx: RequestContext,
  input: NewPaymentMethod,
): Promise<SealedPaymentMethod> {
  const card = { ...input.card, number: normalizeCardNumber(input.card.number) };
  const invalid = validateCard(card);
  if (invalid) {
    const param = invalid.param.startsWith('card[') ? invalid.param : `card[${invalid.param}]`;
    throw new CardError(invalid.code, invalid.message, param);
  }
  const id = input.id ?? newId('pm');
  const sealed = await deps.vault.seal({ merchantId: ctx.merchantId, tokenId: id, pan: card.number });
  const cvc = card.cvc
    ? await deps.vault.sealCvc({
        merchantId: ctx.merchantId,
        tokenId: id,
        cvc: card.cvc,
        expiresAt: new Date(Date.now() + deps.cvcTtlSeconds * 1000),
      })
    : null;
  const expYear = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  return { input, id, expMonth: card.exp_month, expYear, sealed, cvc };
}

/** Stores a sealed card in the caller's transaction; the result and its vault audit record. */
export async function storePaymentMethod(
  tx: Queryable,
  ctx: RequestContext,
  s: SealedPaymentMethod,
): Promise<{ pm: PaymentMethodRecord; audit: AuditDraft }> {
  const pm = await insertPaymentMethod(
    tx,
    {
      id: s.id,
      merchantId: ctx.merchantId,
      expMonth: s.expMonth,
      expYear: s.expYear,
      metadata: s.input.metadata,
      customerId: s.input.customerId ?? null,
      ...(s.input.billingDetails ? { billingDetails: s.input.billingDetails } : {}),
    },
    s.sealed,
    s.cvc,
  );
  const audit = auditRecord('vault.card_sealed', {
    paymentMethod: pm,
    keyVersion: s.sealed.keyVersion,
    cvcUntil: s.cvc?.expiresAt ?? null,
  });
  return { pm, audit };
}

/** Validates, seals and stores a card as a new payment method. */
export async function createPaymentMethod(
  deps: Deps,
  ctx: RequestContext,
  input: NewPaymentMethod,
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  const sealed = await sealPaymentMethod(deps, ctx, input);
  return deps.db.transaction(async (tx) => {
    const { pm, audit } = await storePaymentMethod(tx, ctx, sealed);
    return finish(tx, ctx, hook, pm, [audit]);
  });
}

export async function getPaymentMethod(
  deps: Deps,
  merchantId: string,
  id: string,
): Promise<PaymentMethodRecord> {
  return found(await findPaymentMethod(deps.db, merchantId, id), 'payment_method', id);
}

/**
 * The payment method an id names: a Stripe test id (`pm_card_visa`, …) becomes a new payment method of its
 * test card under `newPmId` — the same on every retry of one request, so a retry reuses it — and any other
 * id is returned as it is (the caller checks it).
 */
export async function resolvePaymentMethod(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  newPmId: string,
): Promise<string> {
  const number = testPaymentMethodNumber(id);
  if (number === null) return id;
  const existing = await findPaymentMethod(deps.db, ctx.merchantId, newPmId);
  if (existing) return existing.id;
  const pm = await createPaymentMethod(deps, ctx, {
    id: newPmId,
    card: { number, ...testCardExpiry() },
    metadata: {},
  });
  return pm.id;
}

const unexpectedState = (message: string, param?: string) =>
  new DomainError('payment_method_unexpected_state', message, param);

export const DETACHED_MESSAGE =
  'This PaymentMethod was previously detached from a Customer and may not be used again.';

/** Saves a card to a customer inside the caller's transaction; the audit records it adds. */
export type SaveCard = (tx: Queryable, customerId: string) => Promise<SavedCard>;
export interface SavedCard {
  readonly pm: PaymentMethodRecord;
  readonly audit: readonly AuditDraft[];
  /** This save attached the card (false: it was attached to that customer already). */
  readonly attached: boolean;
}

/**
 * Prepares an attach (Stripe's rules: once, and never after a detach): a test id is resolved to its new
 * payment method first; the attach itself runs in the caller's transaction.
 */
export async function prepareAttach(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  newPmId: string,
): Promise<SaveCard> {
  const pmId = await resolvePaymentMethod(deps, ctx, id, newPmId);
  return async (tx, customerId) => {
    const attached = await attachPaymentMethod(tx, ctx.merchantId, pmId, customerId);
    if (!attached) {
      const pm = found(await findPaymentMethod(tx, ctx.merchantId, pmId), 'payment_method', pmId);
      if (pm.detached) throw unexpectedState(DETACHED_MESSAGE);
      if (pm.customerId === customerId) return { pm, audit: [], attached: false };
      throw unexpectedState('The payment method you provided has already been attached to a customer.');
    }
    deps.sealedCards.delete(`${ctx.merchantId}/${pmId}`);
    return { pm: attached, audit: [auditRecord('payment_method.attached', attached)], attached: true };
  };
}

/** Attaches a payment method to a live customer. */
export async function attach(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  customerId: string,
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  await liveCustomer(deps, ctx.merchantId, customerId, 'customer');
  const save = await prepareAttach(deps, ctx, id, hook ? hook.attempt.objectId('pm') : newId('pm'));
  return deps.db.transaction(async (tx) => {
    const { pm, audit, attached } = await save(tx, customerId);
    const events = attached ? [{ type: 'payment_method.attached', object: paymentMethodObject(pm) }] : [];
    return finish(tx, ctx, hook, pm, audit, events);
  });
}

export async function detach(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  return deps.db.transaction(async (tx) => {
    const detached = await detachPaymentMethod(tx, ctx.merchantId, id);
    if (!detached) {
      found(await findPaymentMethod(tx, ctx.merchantId, id), 'payment_method', id);
      throw unexpectedState(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
      );
    }
    deps.sealedCards.delete(`${ctx.merchantId}/${id}`);
    return finish(
      tx,
      ctx,
      hook,
      detached,
      [auditRecord('payment_method.detached', detached)],
      [{ type: 'payment_method.detached', object: paymentMethodObject(detached) }],
    );
  });
}

/** Updates a saved (attached) payment method, as Stripe allows only for those. */
export async function update(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  changes: PaymentMethodChanges,
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  return deps.db.transaction(async (tx) => {
    const before = await findPaymentMethod(tx, ctx.merchantId, id);
    const pm = await updatePaymentMethod(tx, ctx.merchantId, id, changes);
    if (!pm) {
      found(await findPaymentMethod(tx, ctx.merchantId, id), 'payment_method', id);
      throw unexpectedState('You must save this PaymentMethod to a customer before you can update it.');
    }
    deps.sealedCards.delete(`${ctx.merchantId}/${id}`);
    const events = before
      ? updatedEvent('payment_method.updated', paymentMethodObject(before), paymentMethodObject(pm))
      : [];
    return finish(tx, ctx, hook, pm, [auditRecord('payment_method.updated', pm)], events);
  });
}

/** The merchant's payment methods (a customer's, when given: 404 naming `customer` when it has none). */
export async function listPaymentMethodsOf(
  deps: Deps,
  merchantId: string,
  customerId: string | null,
  page: Page,
) {
  if (customerId) await liveCustomer(deps, merchantId, customerId, 'customer');
  return foundPage(
    await listPaymentMethods(deps.db, merchantId, page, { customer_id: customerId }),
    'payment_method',
    page,
  );
}
