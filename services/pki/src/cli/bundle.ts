import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { x509 } from '../x509.js';
import { readCaCertificate } from './ca-folder.js';
import { PkiError } from './errors.js';
import { replaceFile } from './files.js';

export interface BundleOptions {
  readonly cas: readonly string[];
  readonly out: string;
  readonly now: Date;
}

/**
 * Checks a CA certificate against what API Gateway's truststore accepts (a CA certificate, RSA >= 2048 or
 * ECDSA P-256/P-384, SHA-256 or stronger, currently valid) so a bad bundle fails here, not as a
 * `truststoreWarnings` entry after a deploy.
 */
function checkTruststoreCertificate(cert: x509.X509Certificate, dir: string, now: Date): void {
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca) throw new PkiError(`${dir}: the certificate is not a CA certificate`);
  if (now < cert.notBefore || now > cert.notAfter) {
    throw new PkiError(
      `${dir}: the CA certificate is not valid now (${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
    );
  }
  const key = cert.publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  const keyOk =
    (key.name === 'ECDSA' && ['P-256', 'P-384'].includes(key.namedCurve ?? '')) ||
    (key.name.startsWith('RSA') && (key.modulusLength ?? 0) >= 2048);
  if (!keyOk) throw new PkiError(`${dir}: the CA key is neither RSA >= 2048 bits nor ECDSA P-256/P-384`);
  const hash = (cert.signatureAlgorithm.hash as { name?: string } | undefined)?.name ?? '';
  if (!['SHA-256', 'SHA-384', 'SHA-512'].includes(hash)) {
    throw new PkiError(
      `${dir}: the CA certificate is signed with ${hash || 'an unknown hash'}; need SHA-256+`,
    );
  }
}

/** Writes the truststore: the CA certificates of `cas` (one or more CA folders, e.g. old + new), PEM. */
export function bundle(opts: BundleOptions): { readonly path: string; readonly subjects: string[] } {
  if (opts.cas.length === 0) throw new PkiError('no CA folder given');
  const seen = new Set<string>();
  const pems: string[] = [];
  const subjects: string[] = [];
  for (const dir of opts.cas) {
    const cert = readCaCertificate(dir);
    checkTruststoreCertificate(cert, dir, opts.now);
    const pem = cert.toString('pem');
    if (seen.has(pem)) continue;
    seen.add(pem);
    pems.push(pem);
    subjects.push(cert.subject);
  }
  mkdirSync(dirname(opts.out), { recursive: true });
  replaceFile(opts.out, `${pems.join('\n')}\n`, 0o644);
  return { path: opts.out, subjects };
}
