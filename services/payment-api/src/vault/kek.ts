/**
 * A key-encryption key (KEK) wraps the per-card (or short-lived per-merchant) data keys.
 * Two implementations: AWS KMS (`kms-kek.ts`) and a local key file for the embedded default (`local-kek.ts`).
 */
export interface KeyEncryptionKey {
  readonly kind: 'kms' | 'local';
  /**
   * Returns a fresh 256-bit data key in clear (the caller zeroes it after use) and wrapped under the KEK.
   * `context` is bound to the wrapped key: unwrapDataKey() only succeeds with an identical context.
   * `keyVersion` identifies the KEK version that wrapped it and must be stored next to the wrapped key.
   */
  generateDataKey(context: Record<string, string>): Promise<GeneratedDataKey>;
  /** Returns the data key in clear (the caller zeroes it after use). */
  unwrapDataKey(wrapped: Buffer, context: Record<string, string>, keyVersion: string): Promise<Buffer>;
}

export interface GeneratedDataKey {
  plaintext: Buffer;
  wrapped: Buffer;
  keyVersion: string;
}

export const DATA_KEY_BYTES = 32;

/**
 * Canonical, order-independent serialisation of an encryption context (KMS treats the context as an
 * unordered map; the local KEK and the caches must do the same).
 */
export function canonicalContext(context: Record<string, string>): string {
  const keys = Object.keys(context).sort();
  return JSON.stringify(keys.map((k) => [k, context[k]]));
}
