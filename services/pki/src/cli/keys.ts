import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';

/** Key types the CLI generates; all are accepted by API Gateway's truststore (RSA >= 2048, ECDSA P-256). */
export const KEY_TYPES = ['ec-p256', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Web Crypto parameters for a key type; signatures always use SHA-256. */
type SigningAlgorithm = webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;

function algorithmOf(keyType: KeyType): SigningAlgorithm {
  if (keyType === 'ec-p256') return { name: 'ECDSA', namedCurve: 'P-256' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** The `signingAlgorithm` @peculiar/x509 signs with for a key of this algorithm. */
export function signatureAlgorithm(key: webcrypto.CryptoKey): webcrypto.EcdsaParams | webcrypto.Algorithm {
  return key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
}

export async function generateKeyPair(keyType: KeyType): Promise<webcrypto.CryptoKeyPair> {
  const algorithm =
    keyType === 'ec-p256'
      ? algorithmOf(keyType)
      : {
          ...algorithmOf(keyType),
          modulusLength: Number(keyType.slice(4)),
          publicExponent: new Uint8Array([1, 0, 1]),
        };
  return webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ]) as Promise<webcrypto.CryptoKeyPair>;
}

/** PKCS#8 PEM of a private key; encrypted (AES-256-CBC, PBES2) when a passphrase is given. */
export async function privateKeyPem(key: webcrypto.CryptoKey, passphrase?: string): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const object = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pem = passphrase
    ? object.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase })
    : object.export({ format: 'pem', type: 'pkcs8' });
  return pem.toString();
}

export function isEncryptedKeyPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
}

/** Reads a PEM private key (decrypting it with `passphrase` when it is encrypted) for signing. */
export async function importSigningKey(pem: string, passphrase: string | undefined, what: string) {
  let object: KeyObject;
  try {
    object = createPrivateKey({ key: pem, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch (err) {
    const message = (err as Error).message;
    if (isEncryptedKeyPem(pem)) {
      throw new PkiError(
        passphrase
          ? `cannot decrypt ${what}: wrong passphrase in PKI_CA_PASSPHRASE`
          : `${what} is encrypted; set its passphrase in the PKI_CA_PASSPHRASE environment variable`,
      );
    }
    throw new PkiError(`cannot read ${what}: ${message}`);
  }
  let keyType: KeyType;
  if (object.asymmetricKeyType === 'ec' && object.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    keyType = 'ec-p256';
  } else if (
    object.asymmetricKeyType === 'rsa' &&
    (object.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
  ) {
    keyType = 'rsa-2048';
  } else {
    throw new PkiError(`${what} is not an ECDSA P-256 or RSA (>= 2048 bits) key`);
  }
  const der = object.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, algorithmOf(keyType), false, ['sign']);
}
