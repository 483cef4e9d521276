import { webcrypto } from 'node:crypto';
import { x509 } from '../../src/x509.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Builds a certificate with arbitrary SANs and EKUs — shapes the CLI never issues — for parser and rule tests. */
export async function makeCertificate(opts: {
  subject?: string;
  serialNumber?: string;
  uris?: string[];
  ekus?: string[] | null;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: x509.Extension[];
}): Promise<x509.X509Certificate> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [];
  if (opts.uris?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(opts.uris.map((value) => ({ type: 'url', value }))),
    );
  }
  extensions.push(...(opts.extensions ?? []));
  if (opts.ekus !== null)
    extensions.push(new x509.ExtendedKeyUsageExtension(opts.ekus ?? ['1.3.6.1.5.5.7.3.2']));
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: opts.serialNumber ?? '01ab',
    name: opts.subject ?? 'CN=partner-a',
    notBefore: opts.notBefore ?? new Date('2026-01-01T00:00:00Z'),
    notAfter: opts.notAfter ?? new Date('2027-01-01T00:00:00Z'),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: EC,
    extensions,
  });
}
