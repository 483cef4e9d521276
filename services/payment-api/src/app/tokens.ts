import type { Queryable } from '../db/database.js';
import { DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { findPaymentMethod, updatePaymentMethodOnUse } from '../store/payment-method-store.js';
import type { BillingDetails, Metadata, PaymentMethodRecord } from '../store/records.js';
import { findToken, insertToken, useToken, type TokenRecord } from '../store/token-store.js';
import type { CardInput } from '../vault/index.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, NotFoundError } from './errors.js';
import { sealPaymentMethod, storePaymentMethod, type SavedCard } from './payment-methods.js';
import { testCardExpiry, testTokenNumber } from './test-payment-methods.js';
import { finish } from './transitions.js';

/** A token with the card it holds (brand, last4, expiry, fingerprint only). */
export interface TokenWithCard {
  readonly token: TokenRecord;
  readonly card: PaymentMethodRecord;
}

/**
 * Creates a single-use card token: the card is vaulted (sealed, CVC per ADR 0024) as a payment method that
 * stays hidden until the token is used, in the same transaction as the token.
 */
export async function createToken(
  deps: Deps,
  ctx: RequestContext,
  card: CardInput,
  hook?: CommitHook<TokenWithCard>,
): Promise<TokenWithCard> {
  const sealed = await sealPaymentMethod(deps, ctx, { card, metadata: {} });
  return deps.db.transaction(async (tx) => {
    const { pm, audit } = await storePaymentMethod(tx, ctx, sealed);
    const token = await insertToken(tx, {
      id: newId('tok'),
      merchantId: ctx.merchantId,
      paymentMethodId: pm.id,
      cardId: newId('card'),
      clientIp: ctx.sourceIp ?? null,
    });
    const created = auditRecord('token.create', { tokenId: token.id, paymentMethodId: pm.id });
    return finish(tx, ctx, hook, { token, card: pm }, [audit, created]);
  });
}

export async function getToken(deps: Deps, merchantId: string, id: string): Promise<TokenWithCard> {
  const token = found(await findToken(deps.db, merchantId, id), 'token', id);
  const card = found(await findPaymentMethod(deps.db, merchantId, token.paymentMethodId), 'token', id);
  return { token, card };
}

export interface TokenUse {
  readonly tokenId: string;
  /** The parameter the token came in (`card[token]`, `source`), named by errors. */
  readonly param: string;
  readonly metadata: Metadata;
  readonly billingDetails?: BillingDetails;
}

/**
 * Prepares a payment method from a token (`card[token]`, `source`): a Stripe test token (`tok_visa`, …)
 * makes a new one of its test card each time (sealed here, stored in the caller's transaction); a token
 * from POST /v1/tokens hands over its card once, and a second use is Stripe's `token_already_used`.
 */
export async function prepareTokenUse(
  deps: Deps,
  ctx: RequestContext,
  use: TokenUse,
): Promise<(tx: Queryable, customerId: string | null) => Promise<SavedCard>> {
  const number = testTokenNumber(use.tokenId);
  if (number !== null) {
    const sealed = await sealPaymentMethod(deps, ctx, {
      card: { number, ...testCardExpiry() },
      metadata: use.metadata,
      ...(use.billingDetails ? { billingDetails: use.billingDetails } : {}),
    });
    return async (tx, customerId) => {
      const { pm, audit } = await storePaymentMethod(tx, ctx, {
        ...sealed,
        input: { ...sealed.input, ...(customerId ? { customerId } : {}) },
      });
      return { pm, audit: [audit], attached: customerId !== null };
    };
  }
  return async (tx, customerId) => {
    const token = await useToken(tx, ctx.merchantId, use.tokenId);
    if (!token) {
      if (await findToken(tx, ctx.merchantId, use.tokenId)) {
        throw new DomainError(
          'token_already_used',
          `You cannot use a Stripe token more than once: ${use.tokenId}.`,
          use.param,
        );
      }
      throw new NotFoundError('token', use.tokenId, use.param);
    }
    const pm = await updatePaymentMethodOnUse(tx, ctx.merchantId, token.paymentMethodId, {
      metadata: use.metadata,
      billingDetails: use.billingDetails ?? null,
      customerId,
    });
    return {
      pm,
      audit: [auditRecord('token.use', { tokenId: token.id, paymentMethodId: pm.id })],
      attached: customerId !== null,
    };
  };
}

/** A new payment method from a token (POST /v1/payment_methods with `card[token]`). */
export async function paymentMethodFromToken(
  deps: Deps,
  ctx: RequestContext,
  use: TokenUse,
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  const save = await prepareTokenUse(deps, ctx, use);
  return deps.db.transaction(async (tx) => {
    const { pm, audit } = await save(tx, null);
    return finish(tx, ctx, hook, pm, audit);
  });
}
