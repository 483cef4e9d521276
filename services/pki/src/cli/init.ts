import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRevocationList, serializeRevocationList } from '../revocation-list.js';
import { CA_FILES, type IssuedCertificate } from './ca-folder.js';
import { PkiError, UsageError } from './errors.js';
import { ensurePrivateDir, writeNewFile } from './files.js';
import { generateKeyPair, privateKeyPem, type KeyType } from './keys.js';
import { createRootCertificate } from './profiles.js';

export interface InitOptions {
  readonly out: string;
  readonly commonName: string;
  readonly days: number;
  readonly keyType: KeyType;
  /** Encrypts the CA key when set (from PKI_CA_PASSPHRASE, never a flag). */
  readonly passphrase?: string;
  readonly now: Date;
}

export const MIN_PASSPHRASE_LENGTH = 12;

export interface InitResult {
  readonly certificatePath: string;
  readonly keyPath: string;
  readonly serial: string;
  readonly subject: string;
  readonly notAfter: Date;
  readonly encrypted: boolean;
}

/** Creates a CA folder: root certificate, its key (0600), an empty revocation list and inventory. */
export async function initCa(opts: InitOptions): Promise<InitResult> {
  if (opts.passphrase !== undefined && opts.passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new UsageError(
      `PKI_CA_PASSPHRASE has ${opts.passphrase.length} characters; use at least ${MIN_PASSPHRASE_LENGTH} ` +
        '(or unset it to keep the key unencrypted, mode 0600)',
    );
  }
  if (existsSync(opts.out) && readdirSync(opts.out).length > 0) {
    throw new PkiError(`${opts.out} is not empty; pki init creates a new CA in a new or empty folder`);
  }
  ensurePrivateDir(opts.out);
  const keys = await generateKeyPair(opts.keyType);
  const certificate = await createRootCertificate({
    commonName: opts.commonName,
    keys,
    now: opts.now,
    days: opts.days,
  });
  const keyPath = join(opts.out, CA_FILES.key);
  const certificatePath = join(opts.out, CA_FILES.certificate);
  writeNewFile(keyPath, await privateKeyPem(keys.privateKey, opts.passphrase), 0o600);
  writeNewFile(certificatePath, certificate.toString('pem') + '\n', 0o644);
  writeNewFile(
    join(opts.out, CA_FILES.revocations),
    serializeRevocationList(emptyRevocationList(opts.now)),
    0o644,
  );
  const certificates: IssuedCertificate[] = [];
  writeNewFile(join(opts.out, CA_FILES.issued), `${JSON.stringify({ certificates }, null, 2)}\n`, 0o644);
  return {
    certificatePath,
    keyPath,
    serial: certificate.serialNumber,
    subject: certificate.subject,
    notAfter: certificate.notAfter,
    encrypted: opts.passphrase !== undefined,
  };
}
