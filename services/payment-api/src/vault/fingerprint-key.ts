import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VaultConfigError } from './errors.js';
import { createSecretFileOnce, readSecretFile } from './secure-file.js';

export const FINGERPRINT_KEY_FILE_NAME = 'vault-fingerprint.key';
const MIN_KEY_BYTES = 32;

/**
 * The HMAC key for card fingerprints, kept apart from the KEK (a fingerprint key leak must not expose
 * PANs, and a KEK leak must not make fingerprints forgeable).
 *
 * - `VAULT_FINGERPRINT_KEY` (base64, ≥ 256 bits): used when set. In AWS it is injected from Secrets
 *   Manager (encrypted under KMS); it is required when `VAULT_KEK=kms`, because fingerprints must be
 *   identical across tasks and deployments.
 * - Otherwise `<dataDir>/vault-fingerprint.key` (mode 0600), created on first start.
 */
export async function loadFingerprintKey(env: NodeJS.ProcessEnv, dataDir: string): Promise<Buffer> {
  const fromEnv = env.VAULT_FINGERPRINT_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const key = Buffer.from(fromEnv.trim(), 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(fromEnv.trim()) || key.length < MIN_KEY_BYTES) {
      throw new VaultConfigError(
        `VAULT_FINGERPRINT_KEY must be base64 of at least ${MIN_KEY_BYTES} random bytes (got ${key.length} bytes); ` +
          `generate one with: openssl rand -base64 32`,
      );
    }
    return key;
  }
  if (env.VAULT_KEK === 'kms') {
    throw new VaultConfigError(
      'VAULT_FINGERPRINT_KEY is required when VAULT_KEK=kms: inject it from Secrets Manager so every task computes the same fingerprints',
    );
  }
  const filePath = path.join(dataDir, FINGERPRINT_KEY_FILE_NAME);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  let text = await readSecretFile(filePath, 'vault fingerprint key file');
  if (text === undefined) {
    await createSecretFileOnce(filePath, `${randomBytes(MIN_KEY_BYTES).toString('base64')}\n`);
    text = await readSecretFile(filePath, 'vault fingerprint key file');
  }
  const key = Buffer.from((text ?? '').trim(), 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new VaultConfigError(
      `vault fingerprint key file ${filePath} must hold base64 of at least ${MIN_KEY_BYTES} bytes, found ${key.length}`,
    );
  }
  return key;
}
