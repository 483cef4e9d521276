import type { Queryable } from '../db/database.js';
import type { SealedCard, SealedCvc } from '../vault/index.js';
import { ownedReader, type Row } from './rows.js';
import {
  paymentMethodFromRow,
  sealedCardFromRow,
  sealedCvcFromRow,
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

/**
 * Inserts a payment method with its sealed card and, when one was collected, its sealed CVC (one statement).
 */
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
  cvc: SealedCvc | null,
): Promise<PaymentMethodRecord> {
  const { rows } = await tx.query(
    `WITH pm AS (
       INSERT INTO payment_methods (id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, ciphertext, iv,
                                    auth_tag, wrapped_data_key, key_version, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
       RETURNING ${COLUMNS}
     ), cvc AS (
       INSERT INTO payment_method_cvcs (payment_method_id, merchant_id, ciphertext, iv, auth_tag, wrapped_data_key,
                                        key_version, expires_at)
       SELECT $1, $2, $14, $15, $16, $17, $18, $19 WHERE $14::bytea IS NOT NULL
     )
     SELECT * FROM pm`,
    [
      pm.id,
      pm.merchantId,
      sealed.brand,
      sealed.last4,
      pm.expMonth,
      pm.expYear,
      sealed.fingerprint,
      sealed.ciphertext,
      sealed.iv,
      sealed.authTag,
      sealed.wrappedDataKey,
      sealed.keyVersion,
      JSON.stringify(pm.metadata),
      cvc?.ciphertext ?? null,
      cvc?.iv ?? null,
      cvc?.authTag ?? null,
      cvc?.wrappedDataKey ?? null,
      cvc?.keyVersion ?? null,
      cvc?.expiresAt ?? null,
    ],
  );
  return paymentMethodFromRow(rows[0] as Row);
}

export const findPaymentMethod = ownedReader('payment_methods', COLUMNS, paymentMethodFromRow);

const VAULTED =
  'pm.exp_month, pm.exp_year, pm.ciphertext, pm.iv, pm.auth_tag, pm.wrapped_data_key, pm.key_version, pm.fingerprint, pm.brand, pm.last4';

const vaultedCardFromRow = (row: Row): VaultedCard => ({
  sealed: sealedCardFromRow(row),
  expMonth: Number(row.exp_month),
  expYear: Number(row.exp_year),
});

/** The merchant's vaulted card, sealed (ciphertext, never the PAN); null when there is none. */
export async function findVaultedCard(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<VaultedCard | null> {
  const { rows } = await db.query(
    `SELECT ${VAULTED} FROM payment_methods pm WHERE pm.id = $1 AND pm.merchant_id = $2`,
    [id, merchantId],
  );
  return rows[0] ? vaultedCardFromRow(rows[0]) : null;
}

/**
 * The merchant's vaulted card for an authorization, taking its sealed CVC with it (one statement): the CVC
 * row is deleted, and returned unless it has expired. Null when there is no such card.
 */
export async function takeVaultedCard(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<{ card: VaultedCard; cvc: SealedCvc | null } | null> {
  const { rows } = await db.query(
    `WITH cvc AS (${TAKE_CVC})
     SELECT ${VAULTED}, cvc.ciphertext AS cvc_ciphertext, cvc.iv AS cvc_iv, cvc.auth_tag AS cvc_auth_tag,
            cvc.wrapped_data_key AS cvc_wrapped_data_key, cvc.key_version AS cvc_key_version,
            cvc.expires_at AS cvc_expires_at, cvc.usable AS cvc_usable
       FROM payment_methods pm LEFT JOIN cvc ON true
      WHERE pm.id = $1 AND pm.merchant_id = $2`,
    [id, merchantId],
    'tessera_take_vaulted_card',
  );
  const row = rows[0];
  if (!row) return null;
  return {
    card: vaultedCardFromRow(row),
    cvc: row.cvc_usable === true ? sealedCvcFromRow(row, 'cvc_') : null,
  };
}

/** Takes (deletes) the sealed CVC of a payment method; null when there is none or it has expired. */
export async function takeCvc(db: Queryable, merchantId: string, id: string): Promise<SealedCvc | null> {
  const { rows } = await db.query(TAKE_CVC, [id, merchantId]);
  const row = rows[0];
  return row && row.usable === true ? sealedCvcFromRow(row, '') : null;
}

const TAKE_CVC = `DELETE FROM payment_method_cvcs WHERE payment_method_id = $1 AND merchant_id = $2
  RETURNING ciphertext, iv, auth_tag, wrapped_data_key, key_version, expires_at,
            expires_at > clock_timestamp() AS usable`;

/** Deletes every expired CVC (the reaper); returns how many. */
export async function reapExpiredCvcs(db: Queryable): Promise<number> {
  const result = await db.query('DELETE FROM payment_method_cvcs WHERE expires_at <= clock_timestamp()');
  return result.rowCount;
}
