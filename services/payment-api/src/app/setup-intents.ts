import { DomainError } from '../domain/errors.js';
import { newId, randomToken } from '../domain/ids.js';
import type { PaymentError } from '../domain/payment-intent.js';
import type { Page } from '../store/keyset-page.js';
import { attachPaymentMethod } from '../store/payment-method-store.js';
import { appendEvents, type OutboxEvent } from '../store/outbox-store.js';
import type { Metadata } from '../store/records.js';
import {
  findSetupIntent,
  insertSetupIntent,
  listSetupIntents,
  moveSetupIntent,
  type SetupIntentRecord,
  type SetupIntentStatus,
  type SetupIntentUsage,
} from '../store/setup-intent-store.js';
import { auditRecord } from './audit.js';
import { attemptOf, eventRequest, type CommitHook, type RequestContext } from './context.js';
import { liveCustomer } from './customers.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';
import { cardForAuthorization } from './payment-intents.js';
import { resolvePaymentMethod } from './payment-methods.js';
import { paymentMethodObject } from './serialize.js';
import { setupIntentObject } from './serialize-customers.js';
import { finish } from './transitions.js';

/**
 * A card is verified by an authorization of this amount (US$1.00) that is voided at once: the issuer's
 * answer to a small authorization is how a card is checked without charging it (ADR 0026).
 */
const VERIFICATION = { amount: 100, currency: 'usd' } as const;

const CONFIRMABLE: readonly SetupIntentStatus[] = ['requires_payment_method', 'requires_confirmation'];
const CANCELABLE: readonly SetupIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

export interface CreateSetupIntentInput {
  readonly customerId: string | null;
  readonly paymentMethodId: string | null;
  readonly usage: SetupIntentUsage;
  readonly confirm: boolean;
  readonly description: string | null;
  readonly metadata: Metadata;
}

function unexpectedState(si: SetupIntentRecord, action: string, allowed: readonly SetupIntentStatus[]) {
  return new DomainError(
    'setup_intent_unexpected_state',
    `You cannot ${action} this SetupIntent because it has a status of ${si.status}. Only a SetupIntent ` +
      `with one of the following statuses may be ${action === 'cancel' ? 'canceled' : 'confirmed'}: ` +
      `${allowed.join(', ')}.`,
  );
}

export async function createSetupIntent(
  deps: Deps,
  ctx: RequestContext,
  input: CreateSetupIntentInput,
  hook?: CommitHook<SetupIntentRecord>,
): Promise<SetupIntentRecord> {
  if (input.customerId) await liveCustomer(deps, ctx.merchantId, input.customerId, 'customer');
  const attempt = attemptOf(hook);
  const paymentMethodId = input.paymentMethodId
    ? await resolvePaymentMethod(deps, ctx, input.paymentMethodId, attempt.objectId('pm'))
    : null;
  const id = newId('seti');
  const created = await deps.db.transaction(async (tx) => {
    const si = await insertSetupIntent(tx, {
      id,
      merchantId: ctx.merchantId,
      status: paymentMethodId ? 'requires_confirmation' : 'requires_payment_method',
      usage: input.usage,
      customerId: input.customerId,
      paymentMethodId,
      clientSecret: `${id}_secret_${randomToken(24)}`,
      description: input.description,
      metadata: input.metadata,
      lastSetupError: null,
      cancellationReason: null,
      created: new Date(),
    });
    const event = { type: 'setup_intent.created', object: setupIntentObject(si) };
    await appendEvents(tx, ctx.merchantId, [event], eventRequest(ctx));
    return si;
  });
  if (input.confirm) return confirmSetupIntent(deps, ctx, created.id, { paymentMethodId: null }, hook);
  return deps.db.transaction((tx) => finish(tx, ctx, hook, created, []));
}

/**
 * Confirms a setup intent: the card is verified (an authorization, voided at once) and, once it is, saved to
 * the intent's customer. A declined card leaves the intent in requires_payment_method with Stripe's
 * last_setup_error; the acquirer's references derive from the request's attempt, so a retry repeats nothing.
 */
export async function confirmSetupIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { paymentMethodId: string | null },
  hook?: CommitHook<SetupIntentRecord>,
): Promise<SetupIntentRecord> {
  const attempt = attemptOf(hook);
  const si = found(await findSetupIntent(deps.db, ctx.merchantId, id), 'setup_intent', id);
  if (!CONFIRMABLE.includes(si.status)) throw unexpectedState(si, 'confirm', CONFIRMABLE);
  const requested = input.paymentMethodId ?? si.paymentMethodId;
  if (!requested) {
    throw new DomainError(
      'setup_intent_unexpected_state',
      'You cannot confirm this SetupIntent because it is missing a payment method. Provide a payment_method.',
      'payment_method',
    );
  }
  if (si.customerId) await liveCustomer(deps, ctx.merchantId, si.customerId, 'customer');
  const pmId = await resolvePaymentMethod(deps, ctx, requested, attempt.objectId('pm'));
  const { card, cvc } = await cardForAuthorization(deps, ctx.merchantId, pmId, si.customerId);
  const tokenId = pmId;
  const pan = await deps.vault.open({ merchantId: ctx.merchantId, tokenId, sealed: card.sealed });
  const cvcValue = cvc
    ? await deps.vault.openCvc({ merchantId: ctx.merchantId, tokenId, sealed: cvc })
    : undefined;
  const auth = await deps.acquirer.authorize({
    ...VERIFICATION,
    pan,
    expMonth: card.expMonth,
    expYear: card.expYear,
    ...(cvcValue === undefined ? {} : { cvc: cvcValue }),
    reference: `${si.id}_verify_${attempt.id}`,
  });
  if (auth.approved) {
    await deps.acquirer.void({
      authorizationId: auth.authorizationId,
      reference: `${si.id}_void_${attempt.id}`,
    });
  }
  const error: PaymentError | null = auth.approved
    ? null
    : {
        code: auth.code === 'insufficient_funds' ? 'card_declined' : auth.code,
        declineCode: auth.declineCode ?? auth.code,
        message: auth.message,
      };
  return deps.db.transaction(async (tx) => {
    const moved = await moveSetupIntent(tx, ctx.merchantId, id, CONFIRMABLE, {
      status: auth.approved ? 'succeeded' : 'requires_payment_method',
      paymentMethodId: pmId,
      lastSetupError: error,
    });
    if (!moved) throw unexpectedState(si, 'confirm', CONFIRMABLE);
    const events: OutboxEvent[] = [
      {
        type: auth.approved ? 'setup_intent.succeeded' : 'setup_intent.setup_failed',
        object: setupIntentObject(moved),
      },
    ];
    if (auth.approved && si.customerId && card.customerId === null) {
      const attached = await attachPaymentMethod(tx, ctx.merchantId, pmId, si.customerId);
      deps.sealedCards.delete(`${ctx.merchantId}/${pmId}`);
      if (attached) events.push({ type: 'payment_method.attached', object: paymentMethodObject(attached) });
    }
    const audit = auditRecord('setup_intent.confirm', {
      setupIntentId: id,
      paymentMethodId: pmId,
      approved: auth.approved,
      cvc: cvcValue !== undefined,
    });
    return finish(tx, ctx, hook, moved, [audit], events);
  });
}

export async function cancelSetupIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  reason: string | null,
  hook?: CommitHook<SetupIntentRecord>,
): Promise<SetupIntentRecord> {
  const si = found(await findSetupIntent(deps.db, ctx.merchantId, id), 'setup_intent', id);
  return deps.db.transaction(async (tx) => {
    const moved = await moveSetupIntent(tx, ctx.merchantId, id, CANCELABLE, {
      status: 'canceled',
      paymentMethodId: si.paymentMethodId,
      lastSetupError: si.lastSetupError,
      cancellationReason: reason,
    });
    if (!moved) throw unexpectedState(si, 'cancel', CANCELABLE);
    return finish(
      tx,
      ctx,
      hook,
      moved,
      [auditRecord('setup_intent.cancel', { setupIntentId: id })],
      [{ type: 'setup_intent.canceled', object: setupIntentObject(moved) }],
    );
  });
}

export async function getSetupIntent(deps: Deps, merchantId: string, id: string) {
  return found(await findSetupIntent(deps.db, merchantId, id), 'setup_intent', id);
}

export async function listSetupIntentsOf(
  deps: Deps,
  merchantId: string,
  filter: { customerId: string | null; paymentMethodId: string | null },
  page: Page,
) {
  return foundPage(
    await listSetupIntents(deps.db, merchantId, page, {
      customer_id: filter.customerId,
      payment_method_id: filter.paymentMethodId,
    }),
    'setup_intent',
    page,
  );
}
