import type { Database, Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import { appendAudit } from '../store/audit-store.js';
import { apiKeyHint, generateApiKey, hashApiKey, type ServiceKeys } from '../secrets.js';

export interface Merchant {
  readonly id: string;
  readonly name: string;
}

export interface IssuedKey {
  readonly id: string;
  readonly merchantId: string;
  /** Shown once; only its keyed hash is stored. */
  readonly secret: string;
}

async function insertKey(
  tx: Queryable,
  keys: ServiceKeys,
  merchantId: string,
  actor: string,
): Promise<IssuedKey> {
  const secret = generateApiKey();
  const id = newId('key');
  await tx.query('INSERT INTO api_keys (id, merchant_id, key_hash, key_hint) VALUES ($1, $2, $3, $4)', [
    id,
    merchantId,
    hashApiKey(keys, secret),
    apiKeyHint(secret),
  ]);
  await appendAudit(tx, [
    { merchantId, actor, action: 'api_key.create', outcome: 'success', objectType: 'api_key', objectId: id },
  ]);
  return { id, merchantId, secret };
}

export async function createMerchant(
  db: Database,
  keys: ServiceKeys,
  name: string,
  actor: string,
): Promise<{ merchant: Merchant; key: IssuedKey }> {
  return db.transaction(async (tx) => {
    const id = newId('acct');
    await tx.query('INSERT INTO merchants (id, name) VALUES ($1, $2)', [id, name]);
    await appendAudit(tx, [
      {
        merchantId: id,
        actor,
        action: 'merchant.create',
        outcome: 'success',
        objectType: 'merchant',
        objectId: id,
      },
    ]);
    const key = await insertKey(tx, keys, id, actor);
    return { merchant: { id, name }, key };
  });
}

export async function createApiKey(
  db: Database,
  keys: ServiceKeys,
  merchantId: string,
  actor: string,
): Promise<IssuedKey> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT 1 FROM merchants WHERE id = $1', [merchantId]);
    if (!rows[0]) throw new Error(`merchant ${merchantId} does not exist`);
    return insertKey(tx, keys, merchantId, actor);
  });
}

export async function revokeApiKey(db: Database, keyId: string, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ merchant_id: string }>(
      'UPDATE api_keys SET revoked_at = clock_timestamp() WHERE id = $1 AND revoked_at IS NULL RETURNING merchant_id',
      [keyId],
    );
    if (!rows[0]) return false;
    await appendAudit(tx, [
      {
        merchantId: rows[0].merchant_id,
        actor,
        action: 'api_key.revoke',
        outcome: 'success',
        objectType: 'api_key',
        objectId: keyId,
      },
    ]);
    return true;
  });
}

export async function listMerchants(db: Database): Promise<Merchant[]> {
  const { rows } = await db.query<Merchant>('SELECT id, name FROM merchants ORDER BY created_at');
  return rows;
}

/** Resolves a presented secret key to its merchant; null when unknown or revoked. */
export async function authenticateKey(
  db: Queryable,
  keys: ServiceKeys,
  secret: string,
): Promise<{ keyId: string; merchantId: string } | null> {
  const { rows } = await db.query<{ id: string; merchant_id: string }>(
    'SELECT id, merchant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(keys, secret)],
  );
  return rows[0] ? { keyId: rows[0].id, merchantId: rows[0].merchant_id } : null;
}
