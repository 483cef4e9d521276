import type { Queryable } from '../db/database.js';
import type { SealedCard, SealedCvc } from '../vault/index.js';
import { keysetPages } from './keyset-page.js';
import { ownedReader, type Row } from './rows.js';
import {
  type BillingDetails,
  paymentMethodFromRow,
  sealedCardFromRow,
  sealedCvcFromRow,
  type Metadata,
  type PaymentMethodRecord,
} from './records.js';

const COLUMNS = `id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, metadata, customer_id, detached_at,
  billing_details, created_at`;

/** A vaulted card as an authorization needs it: still sealed, with its expiry and attachment. */
export interface VaultedCard {
  readonly sealed: SealedCard;
  readonly expMonth: number;
  readonly expYear: number;
  readonly customerId: string | null;
  readonly detached: boolean;
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
    readonly customerId?: string | null;
    readonly billingDetails?: BillingDetails;
  },
  sealed: SealedCard,
  cvc: SealedCvc | null,
): Promise<PaymentMethodRecord> {
  const { rows } = await tx.query(
    `WITH pm AS (
       INSERT INTO payment_methods (id, merchant_id, brand, last4, exp_month, exp_year, fingerprint, ciphertext, iv,
                                    auth_tag, wrapped_data_key, key_version, metadata, customer_id, billing_details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $20,
               coalesce($21::jsonb, '{"address": null, "email": null, "name": null, "phone": null}'))
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
      pm.customerId ?? null,
      pm.billingDetails ? JSON.stringify(pm.billingDetails) : null,
    ],
  );
  return paymentMethodFromRow(rows[0] as Row);
}

/** The merchant's payment methods, newest first; the filter takes `customer_id`. */
export const listPaymentMethods = keysetPages('payment_methods', COLUMNS, paymentMethodFromRow);

/**
 * Attaches an unattached, never detached payment method to a customer; null when it is not in that state
 * (the caller reads it to say why).
 */
export async function attachPaymentMethod(
  tx: Queryable,
  merchantId: string,
  id: string,
  customerId: string,
): Promise<PaymentMethodRecord | null> {
  const { rows } = await tx.query(
    `UPDATE payment_methods SET customer_id = $3
      WHERE id = $1 AND merchant_id = $2 AND customer_id IS NULL AND detached_at IS NULL
      RETURNING ${COLUMNS}`,
    [id, merchantId, customerId],
  );
  return rows[0] ? paymentMethodFromRow(rows[0]) : null;
}

/** Detaches an attached payment method for good; null when it is not attached. */
export async function detachPaymentMethod(
  tx: Queryable,
  merchantId: string,
  id: string,
): Promise<PaymentMethodRecord | null> {
  const { rows } = await tx.query(
    `UPDATE payment_methods SET customer_id = NULL, detached_at = clock_timestamp()
      WHERE id = $1 AND merchant_id = $2 AND customer_id IS NOT NULL
      RETURNING ${COLUMNS}`,
    [id, merchantId],
  );
  return rows[0] ? paymentMethodFromRow(rows[0]) : null;
}

/** Detaches every payment method of a customer (the customer is being deleted); returns them as detached. */
export async function detachCustomerPaymentMethods(
  tx: Queryable,
  merchantId: string,
  customerId: string,
): Promise<PaymentMethodRecord[]> {
  const { rows } = await tx.query(
    `UPDATE payment_methods SET customer_id = NULL, detached_at = clock_timestamp()
      WHERE customer_id = $1 AND merchant_id = $2
      RETURNING ${COLUMNS}`,
    [customerId, merchantId],
  );
  return rows.map(paymentMethodFromRow);
}

/** What a payment method update changes (undefined: leave as is). Metadata merges as Stripe's does. */
export interface PaymentMethodChanges {
  readonly billingDetails?: BillingDetails;
  readonly expMonth?: number;
  readonly expYear?: number;
  readonly metadata: { readonly set: Metadata; readonly unset: readonly string[] };
}

/**
 * Completes the payment method a token held when the token is used: its metadata, billing details and
 * customer are the using request's.
 */
export async function updatePaymentMethodOnUse(
  tx: Queryable,
  merchantId: string,
  id: string,
  use: { metadata: Metadata; billingDetails: BillingDetails | null; customerId: string | null },
): Promise<PaymentMethodRecord> {
  const { rows } = await tx.query(
    `UPDATE payment_methods
        SET metadata = $3::jsonb, billing_details = coalesce($4::jsonb, billing_details), customer_id = $5
      WHERE id = $1 AND merchant_id = $2
      RETURNING ${COLUMNS}`,
    [
      id,
      merchantId,
      JSON.stringify(use.metadata),
      use.billingDetails ? JSON.stringify(use.billingDetails) : null,
      use.customerId,
    ],
  );
  return paymentMethodFromRow(rows[0] as Row);
}

/** Updates an attached payment method; null when the merchant has no attached one of that id. */
export async function updatePaymentMethod(
  tx: Queryable,
  merchantId: string,
  id: string,
  changes: PaymentMethodChanges,
): Promise<PaymentMethodRecord | null> {
  const { rows } = await tx.query(
    `UPDATE payment_methods
        SET billing_details = coalesce($3::jsonb, billing_details), exp_month = coalesce($4, exp_month),
            exp_year = coalesce($5, exp_year), metadata = (metadata || $6::jsonb) - $7::text[]
      WHERE id = $1 AND merchant_id = $2 AND customer_id IS NOT NULL
      RETURNING ${COLUMNS}`,
    [
      id,
      merchantId,
      changes.billingDetails ? JSON.stringify(changes.billingDetails) : null,
      changes.expMonth ?? null,
      changes.expYear ?? null,
      JSON.stringify(changes.metadata.set),
      [...changes.metadata.unset],
    ],
  );
  return rows[0] ? paymentMethodFromRow(rows[0]) : null;
}

export const findPaymentMethod = ownedReader('payment_methods', COLUMNS, paymentMethodFromRow);

const VAULTED = `pm.exp_month, pm.exp_year, pm.ciphertext, pm.iv, pm.auth_tag, pm.wrapped_data_key, pm.key_version,
  pm.fingerprint, pm.brand, pm.last4, pm.customer_id, pm.detached_at`;

const vaultedCardFromRow = (row: Row): VaultedCard => ({
  sealed: sealedCardFromRow(row),
  expMonth: Number(row.exp_month),
  expYear: Number(row.exp_year),
  customerId: (row.customer_id as string | null) ?? null,
  detached: row.detached_at !== null,
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

/**
 * Puts back a sealed CVC that was taken for a payment that did not reach an authorization (it waits for a
 * 3D Secure challenge): the same ciphertext and deadline, so ADR 0024's rules hold unchanged.
 */
export async function restoreCvc(
  db: Queryable,
  merchantId: string,
  id: string,
  cvc: SealedCvc,
): Promise<void> {
  await db.query(
    `INSERT INTO payment_method_cvcs (payment_method_id, merchant_id, ciphertext, iv, auth_tag, wrapped_data_key,
                                      key_version, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (payment_method_id) DO NOTHING`,
    [id, merchantId, cvc.ciphertext, cvc.iv, cvc.authTag, cvc.wrappedDataKey, cvc.keyVersion, cvc.expiresAt],
  );
}

/** Deletes every expired CVC (the reaper); returns how many. */
export async function reapExpiredCvcs(db: Queryable): Promise<number> {
  const result = await db.query('DELETE FROM payment_method_cvcs WHERE expires_at <= clock_timestamp()');
  return result.rowCount;
}
