import { KMSClient } from '@aws-sdk/client-kms';
import { VaultConfigError } from './errors.js';
import type { KeyEncryptionKey } from './kek.js';
import { KmsKeyEncryptionKey } from './kms-kek.js';
import { LocalKeyEncryptionKey } from './local-kek.js';

/**
 * Builds the KEK from configuration:
 * - `VAULT_KEK` = `local` (default) | `kms`
 * - `VAULT_KMS_KEY_ID` (required with `kms`): key id, ARN or alias of the symmetric KMS key
 * - `VAULT_KMS_DATA_KEY_TTL_SECONDS` (optional, 0–3600, default 300): data key cache lifetime
 * - `VAULT_KMS_DATA_KEY_MAX_USES` (optional, 1–100000, default 1000): cards per generated data key
 * - `AWS_REGION` / `AWS_DEFAULT_REGION`: region of the KMS key (else the SDK's default chain)
 *
 * With `local`, the key file is `<dataDir>/vault-kek.key`, created with mode 0600 on first start.
 */
export async function createKeyEncryptionKey(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): Promise<KeyEncryptionKey> {
  const kind = env.VAULT_KEK === undefined || env.VAULT_KEK === '' ? 'local' : env.VAULT_KEK;
  if (kind === 'local') return LocalKeyEncryptionKey.open(dataDir);
  if (kind !== 'kms') {
    throw new VaultConfigError(
      `VAULT_KEK is ${JSON.stringify(kind)}; allowed values are "local" (default) and "kms"`,
    );
  }
  const keyId = env.VAULT_KMS_KEY_ID?.trim() ?? '';
  if (keyId === '') {
    throw new VaultConfigError(
      'VAULT_KMS_KEY_ID is required when VAULT_KEK=kms: set it to the id, ARN or alias of the symmetric KMS key that wraps card data keys',
    );
  }
  const ttlSeconds = integerSetting(env, 'VAULT_KMS_DATA_KEY_TTL_SECONDS', 300, 0, 3600);
  const maxUses = integerSetting(env, 'VAULT_KMS_DATA_KEY_MAX_USES', 1000, 1, 100_000);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return new KmsKeyEncryptionKey({
    client: new KMSClient(region === undefined || region === '' ? {} : { region }),
    keyId,
    dataKeyTtlMs: ttlSeconds * 1000,
    dataKeyMaxUses: maxUses,
  });
}

function integerSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new VaultConfigError(
      `${name} is ${JSON.stringify(raw)}; expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}
