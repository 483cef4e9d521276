import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CA_FILES,
  readCaCertificate,
  readCaSigningKey,
  readIssued,
  writeIssued,
  type IssuedCertificate,
} from './ca-folder.js';
import { PkiError } from './errors.js';
import { ensurePrivateDir, writeNewFile } from './files.js';
import { generateKeyPair, privateKeyPem, type KeyType } from './keys.js';
import { BACKDATE_MS, DAY_MS, createLeafCertificate, type LeafProfile } from './profiles.js';

export interface IssueOptions {
  readonly ca: string;
  readonly out: string;
  readonly profile: LeafProfile;
  readonly days: number;
  readonly keyType: KeyType;
  readonly passphrase?: string;
  readonly now: Date;
}

export interface IssueResult {
  readonly certificatePath: string;
  readonly keyPath: string;
  readonly record: IssuedCertificate;
}

/** Issues a client or server certificate and its key (PEM, key 0600) into `out`, and records it in the CA. */
export async function issueCertificate(opts: IssueOptions): Promise<IssueResult> {
  const ca = readCaCertificate(opts.ca);
  const caKey = await readCaSigningKey(opts.ca, opts.passphrase);
  const notBefore = new Date(opts.now.getTime() - BACKDATE_MS);
  const notAfter = new Date(opts.now.getTime() + opts.days * DAY_MS);
  if (opts.now > ca.notAfter) {
    throw new PkiError(
      `the CA certificate expired at ${ca.notAfter.toISOString()}; create a new CA with pki init`,
    );
  }
  if (notAfter > ca.notAfter) {
    const left = Math.floor((ca.notAfter.getTime() - opts.now.getTime()) / DAY_MS);
    throw new PkiError(
      `--days ${opts.days} would outlive the CA certificate (valid until ${ca.notAfter.toISOString()}); ` +
        `use --days ${left} or less`,
    );
  }
  const certificatePath = join(opts.out, `${opts.profile.name}.pem`);
  const keyPath = join(opts.out, `${opts.profile.name}-key.pem`);
  for (const path of [certificatePath, keyPath]) {
    if (existsSync(path)) throw new PkiError(`${path} already exists; refusing to overwrite it`);
  }
  const issued = readIssued(opts.ca);
  ensurePrivateDir(opts.out);
  const keys = await generateKeyPair(opts.keyType);
  const certificate = await createLeafCertificate({
    profile: opts.profile,
    ca,
    caKey,
    publicKey: keys.publicKey,
    notBefore,
    notAfter,
  });
  const pem = certificate.toString('pem') + '\n';
  writeNewFile(keyPath, await privateKeyPem(keys.privateKey), 0o600);
  writeNewFile(certificatePath, pem, 0o644);
  ensurePrivateDir(join(opts.ca, CA_FILES.certificates));
  writeNewFile(join(opts.ca, CA_FILES.certificates, `${certificate.serialNumber}.pem`), pem, 0o644);
  const record: IssuedCertificate = {
    serial: certificate.serialNumber,
    kind: opts.profile.kind,
    name: opts.profile.name,
    subject: certificate.subject,
    ...(opts.profile.merchantId ? { merchantId: opts.profile.merchantId } : {}),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    issuedAt: opts.now.toISOString(),
  };
  writeIssued(opts.ca, [...issued, record]);
  return { certificatePath, keyPath, record };
}
