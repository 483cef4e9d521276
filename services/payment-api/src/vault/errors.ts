/**
 * Errors raised by the card vault and its key-encryption keys.
 *
 * Messages never contain a PAN, a CVC or key material: callers may log them and
 * return them to operators as they are.
 */
export type VaultErrorCode =
  /** The PAN handed to seal()/fingerprint() is not 12–19 digits. */
  | 'invalid_pan'
  /** The CVC handed to sealCvc() is not 3–4 digits. */
  | 'invalid_cvc'
  /** A sealed card is structurally invalid (wrong IV or tag length, empty fields). */
  | 'invalid_sealed_card'
  /** The ciphertext failed authentication: merchant, token or key version differ from seal time, or bytes were altered. */
  | 'open_failed'
  /** The KEK refused to unwrap the data key (wrong encryption context, wrong key version, corrupted wrapped key). */
  | 'kek_unwrap_failed'
  /** The KEK is not allowed to be used by this principal. */
  | 'kek_access_denied'
  /** The KEK exists but cannot be used right now (disabled, pending deletion, not found, key store unavailable). */
  | 'kek_unavailable'
  /** The KEK service throttled or timed out; safe to retry. */
  | 'kek_throttled'
  /** Any other KEK failure. */
  | 'kek_error';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  /** True when the same call may succeed if retried later. */
  readonly retryable: boolean;

  constructor(code: VaultErrorCode, message: string, options?: { retryable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Bad vault configuration (environment variables, key file): raised at start-up, never at request time. */
export class VaultConfigError extends Error {
  override readonly name = 'VaultConfigError';
}
