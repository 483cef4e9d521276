export { CardVault, cvcEncryptionContext, encryptionContext } from './card-vault.js';
export type { CardVaultOptions, SealedCard, SealedCvc } from './card-vault.js';
export {
  detectBrand,
  fullExpiryYear,
  luhnValid,
  normalizeCardNumber,
  validateCard,
} from './card-validation.js';
export type { CardBrand, CardInput, CardValidationError } from './card-validation.js';
export { createKeyEncryptionKey } from './create-kek.js';
export { DataKeyCache } from './data-key-cache.js';
export { VaultConfigError, VaultError } from './errors.js';
export type { VaultErrorCode } from './errors.js';
export { loadFingerprintKey, FINGERPRINT_KEY_FILE_NAME } from './fingerprint-key.js';
export { canonicalContext } from './kek.js';
export type { GeneratedDataKey, KeyEncryptionKey } from './kek.js';
export { KmsKeyEncryptionKey } from './kms-kek.js';
export type { KmsKeyEncryptionKeyProps } from './kms-kek.js';
export { LOCAL_KEK_FILE_NAME, LocalKeyEncryptionKey, rotateLocalKeyEncryptionKey } from './local-kek.js';
