import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { detectBrand } from './card-validation.js';
import { VaultError } from './errors.js';
import type { KeyEncryptionKey } from './kek.js';

/** Everything the vault stores about a card. None of it is the PAN in clear or a CVC. */
export interface SealedCard {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  wrappedDataKey: Buffer;
  keyVersion: string;
  fingerprint: string;
  brand: string;
  last4: string;
}

/** The encrypted part every sealed secret (a card, a CVC) has. */
type Sealed = Pick<SealedCard, 'ciphertext' | 'iv' | 'authTag' | 'wrappedDataKey' | 'keyVersion'>;

/**
 * A CVC sealed for the short time between payment method creation and its first authorization (PCI DSS
 * 3.3.2): AES-256-GCM under a data key of its own (encryption context purpose `card-cvc`, never the PAN's
 * key), with the expiry bound into the AAD so the deadline cannot be moved without breaking it.
 */
export interface SealedCvc extends Sealed {
  expiresAt: Date;
}

export interface CardVaultOptions {
  kek: KeyEncryptionKey;
  /** HMAC key for fingerprints, separate from the KEK and at least 256 bits. */
  fingerprintKey: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_SCHEME = 'tessera-card-v1';
const CVC_AAD_SCHEME = 'tessera-cvc-v1';
const FINGERPRINT_SCHEME = 'tessera-fingerprint-v1';
/** 12 bytes of HMAC output = 16 base64url characters, the length of a Stripe card fingerprint. */
const FINGERPRINT_BYTES = 12;

/**
 * Envelope encryption of card numbers (see docs/vault.md and the ADR).
 *
 * seal(): data key from the KEK (context: merchant) → AES-256-GCM over the PAN with a random 96-bit IV
 * and AAD = (scheme, merchant id, token id, key version) → store ciphertext, IV, tag, wrapped key,
 * key version, plus fingerprint/brand/last4 for display and de-duplication.
 * open(): the reverse; any change to merchant, token, key version or stored bytes fails with VaultError.
 */
export class CardVault {
  private readonly kek: KeyEncryptionKey;
  private readonly fingerprintKey: Buffer;

  constructor(opts: CardVaultOptions) {
    if (!Buffer.isBuffer(opts.fingerprintKey) || opts.fingerprintKey.length < 32) {
      throw new RangeError(
        `fingerprint key must be at least 32 bytes, got ${Buffer.isBuffer(opts.fingerprintKey) ? opts.fingerprintKey.length : typeof opts.fingerprintKey}`,
      );
    }
    this.kek = opts.kek;
    this.fingerprintKey = Buffer.from(opts.fingerprintKey);
  }

  async seal(input: { merchantId: string; tokenId: string; pan: string }): Promise<SealedCard> {
    const { merchantId, tokenId, pan } = input;
    requireId('merchantId', merchantId);
    requireId('tokenId', tokenId);
    requirePan(pan);
    const sealed = await this.encrypt(encryptionContext(merchantId), pan, (version) =>
      cardAad(merchantId, tokenId, version),
    );
    return {
      ...sealed,
      fingerprint: this.fingerprint(merchantId, pan),
      brand: detectBrand(pan),
      last4: pan.slice(-4),
    };
  }

  async open(input: { merchantId: string; tokenId: string; sealed: SealedCard }): Promise<string> {
    const { merchantId, tokenId, sealed } = checkOpening(input);
    return this.decrypt(
      sealed,
      encryptionContext(merchantId),
      cardAad(merchantId, tokenId, sealed.keyVersion),
      `card ${tokenId}`,
      'merchant, token or key version differ from seal time, or the stored bytes were altered',
    );
  }

  /** Seals the CVC of payment method `tokenId` until `expiresAt` under a data key of its own. */
  async sealCvc(input: {
    merchantId: string;
    tokenId: string;
    cvc: string;
    expiresAt: Date;
  }): Promise<SealedCvc> {
    const { merchantId, tokenId, cvc, expiresAt } = input;
    requireId('merchantId', merchantId);
    requireId('tokenId', tokenId);
    if (typeof cvc !== 'string' || !/^\d{3,4}$/.test(cvc)) {
      throw new VaultError(
        'invalid_cvc',
        'the CVC must be 3 or 4 digits (validate it with validateCard first)',
      );
    }
    const sealed = await this.encrypt(cvcEncryptionContext(merchantId), cvc, (version) =>
      cvcAad(merchantId, tokenId, version, expiresAt),
    );
    return { ...sealed, expiresAt };
  }

  /** The CVC sealed for `tokenId`; fails (`open_failed`) for another merchant, token, key version or expiry. */
  async openCvc(input: { merchantId: string; tokenId: string; sealed: SealedCvc }): Promise<string> {
    const { merchantId, tokenId, sealed } = checkOpening(input);
    return this.decrypt(
      sealed,
      cvcEncryptionContext(merchantId),
      cvcAad(merchantId, tokenId, sealed.keyVersion, sealed.expiresAt),
      `the CVC of ${tokenId}`,
      'merchant, token, key version or expiry differ from seal time, or the stored bytes were altered',
    );
  }

  /** AES-256-GCM under a fresh data key from the KEK (wrapped for `context`), with the AAD for its version. */
  private async encrypt(
    context: Record<string, string>,
    secret: string,
    aadFor: (keyVersion: string) => Buffer,
  ): Promise<Sealed> {
    const dataKey = await this.kek.generateDataKey(context);
    const plaintext = Buffer.from(secret, 'utf8');
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aadFor(dataKey.keyVersion));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        ciphertext,
        iv,
        authTag: cipher.getAuthTag(),
        wrappedDataKey: dataKey.wrapped,
        keyVersion: dataKey.keyVersion,
      };
    } finally {
      plaintext.fill(0);
      dataKey.plaintext.fill(0);
    }
  }

  private async decrypt(
    sealed: Sealed,
    context: Record<string, string>,
    aad: Buffer,
    what: string,
    mismatch: string,
  ): Promise<string> {
    let dataKey: Buffer;
    try {
      dataKey = await this.kek.unwrapDataKey(sealed.wrappedDataKey, context, sealed.keyVersion);
    } catch (err) {
      if (err instanceof VaultError && err.code !== 'kek_unwrap_failed') throw err;
      throw new VaultError(
        'open_failed',
        `${what} could not be opened: its data key does not unwrap for merchant ${context.merchant_id} and key version ${sealed.keyVersion}`,
        { cause: err },
      );
    }
    let plaintext: Buffer | undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.authTag);
      plaintext = decipher.update(sealed.ciphertext);
      decipher.final();
      return plaintext.toString('utf8');
    } catch {
      throw new VaultError('open_failed', `${what} failed authentication: ${mismatch}`);
    } finally {
      plaintext?.fill(0);
      dataKey.fill(0);
    }
  }

  /**
   * HMAC-SHA-256 of the PAN under the fingerprint key, scoped to the merchant: the same card gives the
   * same fingerprint within a merchant and unrelated fingerprints across merchants.
   */
  fingerprint(merchantId: string, pan: string): string {
    requireId('merchantId', merchantId);
    requirePan(pan);
    const mac = createHmac('sha256', this.fingerprintKey);
    for (const part of [FINGERPRINT_SCHEME, merchantId, pan]) {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      mac.update(length).update(bytes);
    }
    return mac.digest().subarray(0, FINGERPRINT_BYTES).toString('base64url');
  }
}

/** The KMS encryption context: merchant only, so one cached data key can serve many of its cards. */
export function encryptionContext(merchantId: string): Record<string, string> {
  return { purpose: 'card-vault', merchant_id: merchantId };
}

/** The KMS encryption context of CVC data keys: another purpose than the cards', so never the PAN's key. */
export function cvcEncryptionContext(merchantId: string): Record<string, string> {
  return { purpose: 'card-cvc', merchant_id: merchantId };
}

function cardAad(merchantId: string, tokenId: string, keyVersion: string): Buffer {
  return Buffer.from(JSON.stringify([AAD_SCHEME, merchantId, tokenId, keyVersion]), 'utf8');
}

function cvcAad(merchantId: string, tokenId: string, keyVersion: string, expiresAt: Date): Buffer {
  return Buffer.from(
    JSON.stringify([CVC_AAD_SCHEME, merchantId, tokenId, keyVersion, expiresAt.toISOString()]),
    'utf8',
  );
}

/** The arguments of an open, checked: ids present and the sealed bytes well-formed. */
function checkOpening<S extends Sealed>(input: { merchantId: string; tokenId: string; sealed: S }) {
  requireId('merchantId', input.merchantId);
  requireId('tokenId', input.tokenId);
  checkShape(input.sealed);
  return input;
}

function requireId(name: string, value: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new VaultError('invalid_sealed_card', `${name} must be a non-empty string`);
  }
}

function requirePan(pan: string): void {
  if (typeof pan !== 'string' || !/^\d{12,19}$/.test(pan)) {
    throw new VaultError(
      'invalid_pan',
      'the card number must be 12 to 19 digits (validate it with validateCard first)',
    );
  }
}

function checkShape(sealed: Sealed): void {
  const problems: string[] = [];
  if (!Buffer.isBuffer(sealed.iv) || sealed.iv.length !== IV_BYTES)
    problems.push(`iv must be ${IV_BYTES} bytes`);
  if (!Buffer.isBuffer(sealed.authTag) || sealed.authTag.length !== TAG_BYTES) {
    problems.push(`authTag must be ${TAG_BYTES} bytes`);
  }
  if (!Buffer.isBuffer(sealed.ciphertext) || sealed.ciphertext.length === 0)
    problems.push('ciphertext is empty');
  if (!Buffer.isBuffer(sealed.wrappedDataKey) || sealed.wrappedDataKey.length === 0) {
    problems.push('wrappedDataKey is empty');
  }
  if (typeof sealed.keyVersion !== 'string' || sealed.keyVersion === '') problems.push('keyVersion is empty');
  if (problems.length > 0)
    throw new VaultError('invalid_sealed_card', `sealed card is malformed: ${problems.join(', ')}`);
}
