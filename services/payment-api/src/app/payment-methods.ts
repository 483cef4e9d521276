import { newId } from '../domain/ids.js';
import { findPaymentMethod, insertPaymentMethod } from '../store/payment-method-store.js';
import type { Metadata, PaymentMethodRecord } from '../store/records.js';
import { normalizeCardNumber, validateCard, type CardInput } from '../vault/index.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { CardError, found } from './errors.js';
import { finish } from './transitions.js';

/**
 * Validates and vaults a card. The PAN is sealed before it touches the database; a CVC is sealed under its
 * own data key until its first authorization on any instance, for at most `deps.cvcTtlSeconds`.
 */
export async function createPaymentMethod(
  deps: Deps,
  ctx: RequestContext,
  input: { card: CardInput; metadata: Metadata },
  hook?: CommitHook<PaymentMethodRecord>,
): Promise<PaymentMethodRecord> {
  const card = { ...input.card, number: normalizeCardNumber(input.card.number) };
  const invalid = validateCard(card);
  if (invalid) {
    const param = invalid.param.startsWith('card[') ? invalid.param : `card[${invalid.param}]`;
    throw new CardError(invalid.code, invalid.message, param);
  }
  const id = newId('pm');
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
  return deps.db.transaction(async (tx) => {
    const pm = await insertPaymentMethod(
      tx,
      { id, merchantId: ctx.merchantId, expMonth: card.exp_month, expYear, metadata: input.metadata },
      sealed,
      cvc,
    );
    const audit = auditRecord('vault.card_sealed', {
      paymentMethod: pm,
      keyVersion: sealed.keyVersion,
      cvcUntil: cvc?.expiresAt ?? null,
    });
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
