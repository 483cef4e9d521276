import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.js';
import { randomToken } from './domain/ids.js';

const MIN_KEY_BYTES = 32;
export const SERVICE_HMAC_KEY_FILE = 'service-hmac.key';

/** Subkeys derived from SERVICE_HMAC_KEY with HKDF-SHA-256, one per purpose, so no key serves two jobs. */
export interface ServiceKeys {
  readonly apiKeyHash: Buffer;
  readonly idempotencyHash: Buffer;
  /** Signs the capability of a 3D Secure challenge page (ADR 0027). */
  readonly challengeSignature: Buffer;
  /** Encrypts webhook endpoints' signing secrets at rest (AES-256-GCM, ADR 0033). */
  readonly webhookSecret: Buffer;
}

export function deriveServiceKeys(master: Buffer): ServiceKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return {
    apiKeyHash: derive('tessera/payment-api/api-key-hash/v1'),
    idempotencyHash: derive('tessera/payment-api/idempotency-request-hash/v1'),
    challengeSignature: derive('tessera/payment-api/3ds-challenge/v1'),
    webhookSecret: derive('tessera/payment-api/webhook-secret/v1'),
  };
}

function decodeKey(raw: string, source: string): Buffer {
  const text = raw.trim();
  const key =
    /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0
      ? Buffer.from(text, 'hex')
      : Buffer.from(text, 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new ConfigError(
      `${source} must hold at least ${MIN_KEY_BYTES} random bytes as hex or base64 (got ${key.length} bytes); ` +
        'generate one with: openssl rand -base64 32',
    );
  }
  return key;
}

/**
 * SERVICE_HMAC_KEY from the environment (injected from Secrets Manager in AWS). Without it, and only when
 * allowed (embedded default), a random key is created once in <dataDir>/service-hmac.key with mode 0600.
 */
export function loadServiceHmacKey(env: NodeJS.ProcessEnv, dataDir: string, allowFile: boolean): Buffer {
  if (env.SERVICE_HMAC_KEY) return decodeKey(env.SERVICE_HMAC_KEY, 'SERVICE_HMAC_KEY');
  if (!allowFile) {
    throw new ConfigError(
      'SERVICE_HMAC_KEY is required when the API runs on a PostgreSQL server (hex or base64, >= 32 bytes)',
    );
  }
  const path = join(dataDir, SERVICE_HMAC_KEY_FILE);
  writeSecretFileOnce(path, `${randomBytes(MIN_KEY_BYTES).toString('base64')}\n`);
  return decodeKey(readSecretFile(path), path);
}

/** Creates a 0600 file unless it exists (never overwrites). */
export function writeSecretFileOnce(path: string, content: string): boolean {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function readSecretFile(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `${path} has mode ${mode.toString(8)}; it must not be readable by group or others (chmod 600)`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** A new secret API key: sk_test_ + 32 base62 characters (~190 bits). */
export function generateApiKey(): string {
  return `sk_test_${randomToken(32)}`;
}

export function hashApiKey(keys: ServiceKeys, apiKey: string): Buffer {
  return createHmac('sha256', keys.apiKeyHash).update(apiKey, 'utf8').digest();
}

export function apiKeyHint(apiKey: string): string {
  return `${apiKey.slice(0, 8)}…${apiKey.slice(-4)}`;
}

export function hashRequest(keys: ServiceKeys, canonical: string): string {
  return createHmac('sha256', keys.idempotencyHash).update(canonical, 'utf8').digest('base64url');
}
