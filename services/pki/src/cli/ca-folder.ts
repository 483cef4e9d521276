import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { webcrypto } from 'node:crypto';
import { parseRevocationList, serializeRevocationList, type RevocationList } from '../revocation-list.js';
import { x509 } from '../x509.js';
import { PkiError } from './errors.js';
import { replaceFile } from './files.js';
import { importSigningKey } from './keys.js';

/**
 * A CA folder, as `pki init` creates it:
 *
 * | file | content |
 * |---|---|
 * | `ca.pem` | the root CA certificate (public; what `pki bundle` puts in the truststore) |
 * | `ca-key.pem` | its PKCS#8 private key, mode 0600, encrypted when PKI_CA_PASSPHRASE was set at init |
 * | `revocations.json` | the revocation list (format in `src/revocation-list.ts`) |
 * | `issued.json` | the inventory of issued certificates, used to check `revoke` input |
 * | `certificates/<serial>.pem` | a copy of every issued certificate |
 */
export const CA_FILES = {
  certificate: 'ca.pem',
  key: 'ca-key.pem',
  revocations: 'revocations.json',
  issued: 'issued.json',
  certificates: 'certificates',
} as const;

export const PASSPHRASE_VARIABLE = 'PKI_CA_PASSPHRASE';

export interface IssuedCertificate {
  readonly serial: string;
  readonly kind: 'client' | 'server';
  readonly name: string;
  readonly subject: string;
  readonly merchantId?: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuedAt: string;
}

export function requireCaFolder(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PkiError(`CA folder ${dir} does not exist; create one with: npm run pki -- init --out ${dir}`);
  }
  for (const file of [CA_FILES.certificate, CA_FILES.revocations, CA_FILES.issued]) {
    if (!existsSync(join(dir, file))) {
      throw new PkiError(`${dir} is not a CA folder: ${file} is missing (create one with pki init)`);
    }
  }
}

export function readCaCertificate(dir: string): x509.X509Certificate {
  requireCaFolder(dir);
  const path = join(dir, CA_FILES.certificate);
  try {
    return new x509.X509Certificate(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PkiError(`${path} is not a PEM certificate (${(err as Error).message})`);
  }
}

export async function readCaSigningKey(
  dir: string,
  passphrase: string | undefined,
): Promise<webcrypto.CryptoKey> {
  const path = join(dir, CA_FILES.key);
  if (!existsSync(path)) throw new PkiError(`${path} is missing; this CA folder cannot issue certificates`);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new PkiError(
      `${path} is readable by others (mode ${mode.toString(8)}); restrict it with: chmod 600 ${path}`,
    );
  }
  return importSigningKey(readFileSync(path, 'utf8'), passphrase, `the CA key ${path}`);
}

export function readRevocationList(dir: string): RevocationList {
  const path = join(dir, CA_FILES.revocations);
  try {
    return parseRevocationList(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PkiError(`${path}: ${(err as Error).message}`);
  }
}

export function writeRevocationList(dir: string, list: RevocationList): void {
  replaceFile(join(dir, CA_FILES.revocations), serializeRevocationList(list), 0o644);
}

export function readIssued(dir: string): IssuedCertificate[] {
  const path = join(dir, CA_FILES.issued);
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { certificates?: unknown };
    if (!Array.isArray(data.certificates)) throw new Error('"certificates" must be an array');
    return data.certificates as IssuedCertificate[];
  } catch (err) {
    throw new PkiError(`${path} cannot be read: ${(err as Error).message}`);
  }
}

export function writeIssued(dir: string, certificates: readonly IssuedCertificate[]): void {
  replaceFile(join(dir, CA_FILES.issued), `${JSON.stringify({ certificates }, null, 2)}\n`, 0o644);
}
