import type { Database, Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import { apiKeyHint, generateApiKey, hashApiKey, type ServiceKeys } from '../secrets.js';
import { appendAudit } from '../store/audit-store.js';
import {
  findActiveApiKey,
  findMerchants,
  insertApiKey,
  insertMerchant,
  merchantExists,
  setApiKeyRevoked,
  type Merchant,
} from '../store/merchant-store.js';
import { auditEvents, auditRecord, type RepeatedFailures, type Who } from './audit.js';

export interface IssuedKey {
  readonly id: string;
  readonly merchantId: string;
  /** Shown once; only its keyed hash is stored. */
  readonly secret: string;
}

async function issueKey(
  tx: Queryable,
  keys: ServiceKeys,
  merchantId: string,
  actor: string,
): Promise<IssuedKey> {
  const secret = generateApiKey();
  const id = newId('key');
  await insertApiKey(tx, { id, merchantId, hash: hashApiKey(keys, secret), hint: apiKeyHint(secret) });
  await appendAudit(tx, auditEvents({ merchantId, actor }, [auditRecord('api_key.create', { keyId: id })]));
  return { id, merchantId, secret };
}

export async function createMerchant(
  db: Database,
  keys: ServiceKeys,
  name: string,
  actor: string,
): Promise<{ merchant: Merchant; key: IssuedKey }> {
  return db.transaction(async (tx) => {
    const merchant = { id: newId('acct'), name };
    await insertMerchant(tx, merchant);
    await appendAudit(
      tx,
      auditEvents({ merchantId: merchant.id, actor }, [
        auditRecord('merchant.create', { merchantId: merchant.id }),
      ]),
    );
    const key = await issueKey(tx, keys, merchant.id, actor);
    return { merchant, key };
  });
}

export async function createApiKey(
  db: Database,
  keys: ServiceKeys,
  merchantId: string,
  actor: string,
): Promise<IssuedKey> {
  return db.transaction(async (tx) => {
    if (!(await merchantExists(tx, merchantId))) throw new Error(`merchant ${merchantId} does not exist`);
    return issueKey(tx, keys, merchantId, actor);
  });
}

export async function revokeApiKey(db: Database, keyId: string, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const merchantId = await setApiKeyRevoked(tx, keyId);
    if (merchantId === null) return false;
    await appendAudit(tx, auditEvents({ merchantId, actor }, [auditRecord('api_key.revoke', { keyId })]));
    return true;
  });
}

export function listMerchants(db: Database): Promise<Merchant[]> {
  return findMerchants(db);
}

/** Resolves a presented secret key to its merchant; null when unknown or revoked. */
export function authenticateKey(
  db: Queryable,
  keys: ServiceKeys,
  secret: string,
): Promise<{ keyId: string; merchantId: string } | null> {
  return findActiveApiKey(db, hashApiKey(keys, secret));
}

/** Audits a refused authentication on the platform chain (no merchant is known). */
export async function auditFailedAuthentication(
  db: Queryable,
  where: Pick<Who, 'sourceIp' | 'requestId'>,
  facts: { reason: string; keyHint: string | null; method: string; path: string | null },
): Promise<void> {
  await appendAudit(
    db,
    auditEvents({ merchantId: null, actor: 'anonymous', ...where }, [
      auditRecord('auth.authenticate', facts),
    ]),
  );
}

/** The summaries of repeated authentication failures (one record per source and window), in one statement. */
export async function auditRepeatedAuthenticationFailures(
  db: Queryable,
  summaries: readonly (RepeatedFailures & { readonly sourceIp: string | null })[],
): Promise<void> {
  await appendAudit(
    db,
    summaries.flatMap(({ sourceIp, ...facts }) =>
      auditEvents({ merchantId: null, actor: 'anonymous', ...(sourceIp === null ? {} : { sourceIp }) }, [
        auditRecord('auth.authenticate_repeated', facts),
      ]),
    ),
  );
}

/** Audits a request refused for naming another account in Stripe-Account, on the caller's chain. */
export async function auditRefusedStripeAccount(
  db: Queryable,
  who: Who,
  requestedAccount: string | null,
): Promise<void> {
  await appendAudit(db, auditEvents(who, [auditRecord('auth.stripe_account', { requestedAccount })]));
}

/** Audits a request refused by the client-certificate rule, on the chain of the key's merchant when known. */
export async function auditRefusedClientCertificate(
  db: Queryable,
  who: Who,
  facts: { reason: string; certificate: { serial?: string; subject?: string; merchant?: string } },
): Promise<void> {
  await appendAudit(db, auditEvents(who, [auditRecord('auth.client_certificate', facts)]));
}
