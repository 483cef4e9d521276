import type { Queryable } from '../db/database.js';
import type { SealedCard } from '../vault/index.js';
import { insertRow, ownedReader } from './rows.js';
import {
  paymentMethodFromRow,
  sealedCardFromRow,
  type Metadata,
  type PaymentMethodRecord,
} from './records.js';

const COLUMNS = 'id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, metadata, created_at';

/** A vaulted card as an authorization needs it: still sealed, with its expiry. */
export interface VaultedCard {
  readonly sealed: SealedCard;
  readonly expMonth: number;
  readonly expYear: number;
}

export async function insertPaymentMethod(
  tx: Queryable,
  pm: {
    readonly id: string;
    readonly merchantId: string;
    readonly expMonth: number;
    readonly expYear: number;
    readonly metadata: Metadata;
  },
  sealed: SealedCard,
): Promise<PaymentMethodRecord> {
  const row = await insertRow(
    tx,
    'payment_methods',
    {
      id: pm.id,
      merchant_id: pm.merchantId,
      brand: sealed.brand,
      last4: sealed.last4,
      exp_month: pm.expMonth,
      exp_year: pm.expYear,
      fingerprint: sealed.fingerprint,
      ciphertext: sealed.ciphertext,
      iv: sealed.iv,
      auth_tag: sealed.authTag,
      wrapped_data_key: sealed.wrappedDataKey,
      key_version: sealed.keyVersion,
      metadata: JSON.stringify(pm.metadata),
    },
    COLUMNS,
  );
  return paymentMethodFromRow(row);
}

export const findPaymentMethod = ownedReader('payment_methods', COLUMNS, paymentMethodFromRow);

/** The merchant's vaulted card, sealed (ciphertext, never the PAN); null when there is none. */
export const findVaultedCard = ownedReader(
  'payment_methods',
  'exp_month, exp_year, ciphertext, iv, auth_tag, wrapped_data_key, key_version, fingerprint, brand, last4',
  (row): VaultedCard => ({
    sealed: sealedCardFromRow(row),
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
  }),
);
