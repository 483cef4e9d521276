import { newId } from '../domain/ids.js';
import { paymentMethodFromRow, type Metadata, type PaymentMethodRecord } from '../store/records.js';
import { normalizeCardNumber, validateCard, type CardInput } from '../vault/index.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { CardError, NotFoundError } from './errors.js';
import { finish } from './transitions.js';

const COLUMNS = 'id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, metadata, created_at';

/** Validates and vaults a card. The PAN is sealed before it touches the database; the CVC stays in memory. */
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
  const expYear = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  const record = await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `INSERT INTO payment_methods (id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, ciphertext, iv,
                                    auth_tag, wrapped_data_key, key_version, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [
        id,
        ctx.merchantId,
        sealed.brand,
        sealed.last4,
        card.exp_month,
        expYear,
        sealed.fingerprint,
        sealed.ciphertext,
        sealed.iv,
        sealed.authTag,
        sealed.wrappedDataKey,
        sealed.keyVersion,
        JSON.stringify(input.metadata),
      ],
    );
    const pm = paymentMethodFromRow(rows[0] as Record<string, unknown>);
    return finish(tx, ctx, hook, pm, [
      {
        action: 'vault.card_sealed',
        outcome: 'success',
        objectType: 'payment_method',
        objectId: id,
        details: { brand: pm.brand, last4: pm.last4, key_version: sealed.keyVersion },
      },
    ]);
  });
  if (card.cvc) deps.cvc.put(id, card.cvc);
  return record;
}

export async function getPaymentMethod(
  deps: Deps,
  merchantId: string,
  id: string,
): Promise<PaymentMethodRecord> {
  const { rows } = await deps.db.query(
    `SELECT ${COLUMNS} FROM payment_methods WHERE id = $1 AND merchant_id = $2`,
    [id, merchantId],
  );
  if (!rows[0]) throw new NotFoundError('payment_method', id);
  return paymentMethodFromRow(rows[0]);
}
