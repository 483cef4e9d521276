import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DataKeyCache } from './data-key-cache.js';
import { VaultError } from './errors.js';
import type { VaultErrorCode } from './errors.js';
import { canonicalContext, DATA_KEY_BYTES } from './kek.js';
import type { GeneratedDataKey, KeyEncryptionKey } from './kek.js';

export interface KmsKeyEncryptionKeyProps {
  readonly client: KMSClient;
  /** Key id, key ARN or alias of the symmetric KMS key that wraps data keys. */
  readonly keyId: string;
  /**
   * How long a plaintext data key stays in memory, both for reuse on new cards of the same merchant
   * and for opening cards without calling Decrypt again. 0 disables both caches.
   * @default 300_000 (5 minutes)
   */
  readonly dataKeyTtlMs?: number;
  /**
   * How many cards one generated data key may encrypt before a new one is requested.
   * @default 1000
   */
  readonly dataKeyMaxUses?: number;
  /**
   * Maximum number of plaintext data keys held per cache (one cache for encryption, one for decryption).
   * @default 1000
   */
  readonly maxCachedKeys?: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

/**
 * KEK backed by AWS KMS: GenerateDataKey (AES_256) and Decrypt, both with the encryption context.
 *
 * The key version is the KeyId KMS reports (the key ARN), so a card records exactly which KMS key
 * wrapped its data key; Decrypt names that key, which KMS then enforces.
 *
 * Caching (see docs/vault.md): a generated data key is reused for the same encryption context
 * (i.e. the same merchant) for at most `dataKeyMaxUses` cards and `dataKeyTtlMs`. Unwrapped keys are
 * cached by (key version, context, wrapped bytes): the context is part of the cache id, so the cache
 * never returns a key for a context KMS would have refused.
 */
export class KmsKeyEncryptionKey implements KeyEncryptionKey {
  readonly kind = 'kms' as const;
  private readonly client: KMSClient;
  private readonly keyId: string;
  private readonly maxUses: number;
  private readonly encryptCache: DataKeyCache<{ wrapped: Buffer; keyVersion: string }>;
  private readonly decryptCache: DataKeyCache<null>;
  /** Settles (never rejects) when the in-flight GenerateDataKey for a context finishes. */
  private readonly pendingGenerations = new Map<string, Promise<void>>();

  constructor(props: KmsKeyEncryptionKeyProps) {
    if (props.keyId.trim() === '') throw new RangeError('KMS key id must not be empty');
    const ttlMs = props.dataKeyTtlMs ?? 300_000;
    const maxUses = props.dataKeyMaxUses ?? 1000;
    const maxEntries = props.maxCachedKeys ?? 1000;
    if (!Number.isInteger(maxUses) || maxUses < 1) {
      throw new RangeError(`dataKeyMaxUses must be an integer ≥ 1, got ${maxUses}`);
    }
    this.client = props.client;
    this.keyId = props.keyId;
    this.maxUses = maxUses;
    this.encryptCache = new DataKeyCache({ ttlMs, maxEntries, now: props.now });
    this.decryptCache = new DataKeyCache({ ttlMs, maxEntries, now: props.now });
  }

  async generateDataKey(context: Record<string, string>): Promise<GeneratedDataKey> {
    const contextId = canonicalContext(context);
    for (;;) {
      const cached = this.encryptCache.take(contextId);
      if (cached !== undefined) {
        return {
          plaintext: cached.key,
          wrapped: Buffer.from(cached.value.wrapped),
          keyVersion: cached.value.keyVersion,
        };
      }
      // Concurrent first cards of one merchant wait for a single GenerateDataKey instead of each calling KMS.
      const pending = this.pendingGenerations.get(contextId);
      if (pending === undefined) break;
      await pending;
    }
    const generation = this.requestDataKey(context, contextId);
    const settled = generation.then(
      () => undefined,
      () => undefined,
    );
    this.pendingGenerations.set(contextId, settled);
    try {
      return await generation;
    } finally {
      if (this.pendingGenerations.get(contextId) === settled) this.pendingGenerations.delete(contextId);
    }
  }

  private async requestDataKey(
    context: Record<string, string>,
    contextId: string,
  ): Promise<GeneratedDataKey> {
    let response;
    try {
      response = await this.client.send(
        new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
    } catch (err) {
      throw kmsError(err, 'GenerateDataKey', this.keyId);
    }
    const { Plaintext, CiphertextBlob, KeyId } = response ?? {};
    if (Plaintext === undefined || CiphertextBlob === undefined || KeyId === undefined || KeyId === '') {
      Plaintext?.fill(0);
      throw new VaultError(
        'kek_error',
        `KMS GenerateDataKey on key ${this.keyId} returned an incomplete response`,
      );
    }
    const plaintext = Buffer.from(Plaintext);
    Plaintext.fill(0);
    if (plaintext.length !== DATA_KEY_BYTES) {
      plaintext.fill(0);
      throw new VaultError(
        'kek_error',
        `KMS GenerateDataKey on key ${this.keyId} returned a key of the wrong size`,
      );
    }
    const wrapped = Buffer.from(CiphertextBlob);
    // This call already used the key once; the cache serves the remaining uses.
    this.encryptCache.put(contextId, plaintext, { wrapped, keyVersion: KeyId }, this.maxUses - 1);
    this.decryptCache.put(decryptId(wrapped, contextId, KeyId), plaintext, null);
    return { plaintext, wrapped: Buffer.from(wrapped), keyVersion: KeyId };
  }

  async unwrapDataKey(wrapped: Buffer, context: Record<string, string>, keyVersion: string): Promise<Buffer> {
    const id = decryptId(wrapped, canonicalContext(context), keyVersion);
    const cached = this.decryptCache.take(id);
    if (cached !== undefined) return cached.key;
    let response;
    try {
      response = await this.client.send(
        new DecryptCommand({
          CiphertextBlob: wrapped,
          KeyId: keyVersion,
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          EncryptionContext: context,
        }),
      );
    } catch (err) {
      throw kmsError(err, 'Decrypt', keyVersion);
    }
    const { Plaintext } = response ?? {};
    if (Plaintext === undefined || Plaintext.length !== DATA_KEY_BYTES) {
      Plaintext?.fill(0);
      throw new VaultError('kek_error', `KMS Decrypt on key ${keyVersion} did not return a 256-bit data key`);
    }
    const plaintext = Buffer.from(Plaintext);
    Plaintext.fill(0);
    this.decryptCache.put(id, plaintext, null);
    return plaintext;
  }

  /** Zeroes and forgets every cached data key (call on shutdown). */
  clearCache(): void {
    this.encryptCache.clear();
    this.decryptCache.clear();
  }
}

function decryptId(wrapped: Buffer, contextId: string, keyVersion: string): string {
  return JSON.stringify([keyVersion, contextId, wrapped.toString('base64')]);
}

const KMS_ERRORS: Record<string, { code: VaultErrorCode; retryable: boolean; why: string }> = {
  InvalidCiphertextException: {
    code: 'kek_unwrap_failed',
    retryable: false,
    why: 'the encryption context differs from wrap time or the wrapped key was altered',
  },
  IncorrectKeyException: {
    code: 'kek_unwrap_failed',
    retryable: false,
    why: 'the wrapped key was produced by a different KMS key than the stored key version',
  },
  AccessDeniedException: {
    code: 'kek_access_denied',
    retryable: false,
    why: 'the service role may not use this key (check the key policy and grants)',
  },
  NotFoundException: { code: 'kek_unavailable', retryable: false, why: 'the key does not exist' },
  DisabledException: { code: 'kek_unavailable', retryable: false, why: 'the key is disabled' },
  KMSInvalidStateException: {
    code: 'kek_unavailable',
    retryable: false,
    why: 'the key is not usable in its current state (pending deletion or import)',
  },
  KeyUnavailableException: {
    code: 'kek_unavailable',
    retryable: true,
    why: 'the key is temporarily unavailable',
  },
  InvalidKeyUsageException: {
    code: 'kek_unavailable',
    retryable: false,
    why: 'the key is not a symmetric ENCRYPT_DECRYPT key',
  },
  ThrottlingException: {
    code: 'kek_throttled',
    retryable: true,
    why: 'the request rate exceeded the KMS quota',
  },
  LimitExceededException: { code: 'kek_throttled', retryable: true, why: 'a KMS limit was exceeded' },
  DependencyTimeoutException: { code: 'kek_error', retryable: true, why: 'KMS timed out' },
  KMSInternalException: { code: 'kek_error', retryable: true, why: 'KMS had an internal error' },
};

function kmsError(err: unknown, operation: string, keyId: string): VaultError {
  const name = err instanceof Error ? err.name : 'UnknownError';
  const known = KMS_ERRORS[name];
  if (known !== undefined) {
    return new VaultError(known.code, `KMS ${operation} on key ${keyId} failed with ${name}: ${known.why}`, {
      retryable: known.retryable,
      cause: err,
    });
  }
  return new VaultError('kek_error', `KMS ${operation} on key ${keyId} failed with ${name}`, {
    retryable: true,
    cause: err,
  });
}
