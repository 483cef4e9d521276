import { toNumber, type Queryable } from '../db/database.js';
import type { FeeSchedule } from '../domain/fees.js';

export interface Merchant {
  readonly id: string;
  readonly name: string;
}

export async function insertMerchant(tx: Queryable, merchant: Merchant): Promise<void> {
  await tx.query('INSERT INTO merchants (id, name) VALUES ($1, $2)', [merchant.id, merchant.name]);
}

export async function merchantExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM merchants WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function findMerchants(db: Queryable): Promise<Merchant[]> {
  const { rows } = await db.query<Merchant>('SELECT id, name FROM merchants ORDER BY created_at');
  return rows;
}

/** Stores a secret key as its keyed hash and a display hint; the key itself is never stored. */
export async function insertApiKey(
  tx: Queryable,
  key: { readonly id: string; readonly merchantId: string; readonly hash: Buffer; readonly hint: string },
): Promise<void> {
  await tx.query('INSERT INTO api_keys (id, merchant_id, key_hash, key_hint) VALUES ($1, $2, $3, $4)', [
    key.id,
    key.merchantId,
    key.hash,
    key.hint,
  ]);
}

/** Revokes an active key; returns its merchant, or null when no active key has that id. */
export async function setApiKeyRevoked(tx: Queryable, keyId: string): Promise<string | null> {
  const { rows } = await tx.query<{ merchant_id: string }>(
    'UPDATE api_keys SET revoked_at = clock_timestamp() WHERE id = $1 AND revoked_at IS NULL RETURNING merchant_id',
    [keyId],
  );
  return rows[0]?.merchant_id ?? null;
}

/** The active (not revoked) key with this keyed hash, and its merchant. */
export async function findActiveApiKey(
  db: Queryable,
  hash: Buffer,
): Promise<{ keyId: string; merchantId: string } | null> {
  const { rows } = await db.query<{ id: string; merchant_id: string }>(
    'SELECT id, merchant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  return rows[0] ? { keyId: rows[0].id, merchantId: rows[0].merchant_id } : null;
}

/** The merchant's processing fee schedule; null when there is no such merchant. */
export async function findFeeSchedule(db: Queryable, merchantId: string): Promise<FeeSchedule | null> {
  const { rows } = await db.query<{ fee_percent_bps: unknown; fee_fixed_amount: unknown }>(
    'SELECT fee_percent_bps, fee_fixed_amount FROM merchants WHERE id = $1',
    [merchantId],
  );
  const row = rows[0];
  return row
    ? { percentBps: toNumber(row.fee_percent_bps), fixedAmount: toNumber(row.fee_fixed_amount) }
    : null;
}

/** Sets the merchant's fee schedule; false when there is no such merchant. */
export async function updateFeeSchedule(
  tx: Queryable,
  merchantId: string,
  schedule: FeeSchedule,
): Promise<boolean> {
  const { rows } = await tx.query(
    'UPDATE merchants SET fee_percent_bps = $2, fee_fixed_amount = $3 WHERE id = $1 RETURNING id',
    [merchantId, schedule.percentBps, schedule.fixedAmount],
  );
  return rows.length > 0;
}
