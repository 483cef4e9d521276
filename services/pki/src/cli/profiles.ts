import { isIP } from 'node:net';
import type { webcrypto } from 'node:crypto';
import { CLIENT_AUTH_EKU } from '../client-certificate-rule.js';
import { merchantUri } from '../merchant-binding.js';
import { randomSerial } from '../serial-number.js';
import { x509 } from '../x509.js';
import { signatureAlgorithm } from './keys.js';

const DAY_MS = 86_400_000;
/** Leaves start a minute in the past so a client whose clock is slightly behind can use them at once. */
const BACKDATE_MS = 60_000;

/** Certificate names: a file base name and the subject CN. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The root CA: self-signed, CA:TRUE with path length 0 (it signs leaves only), keyCertSign + cRLSign. */
export async function createRootCertificate(opts: {
  readonly commonName: string;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly now: Date;
  readonly days: number;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [opts.commonName] }],
    notBefore: new Date(opts.now.getTime() - BACKDATE_MS),
    notAfter: new Date(opts.now.getTime() + opts.days * DAY_MS),
    keys: opts.keys,
    signingAlgorithm: signatureAlgorithm(opts.keys.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(opts.keys.publicKey),
    ],
  });
}

export interface LeafProfile {
  readonly kind: 'client' | 'server';
  readonly name: string;
  /** Client certificates: the merchant account bound in the SAN URI (ADR 0034). */
  readonly merchantId?: string;
}

/** Subject alternative names: the merchant URI for clients; DNS/IP names for servers (localhost adds both loopbacks). */
function alternativeNames(profile: LeafProfile): x509.JsonGeneralName[] {
  if (profile.kind === 'client') {
    return profile.merchantId ? [{ type: 'url', value: merchantUri(profile.merchantId) }] : [];
  }
  if (isIP(profile.name)) return [{ type: 'ip', value: profile.name }];
  const names: x509.JsonGeneralName[] = [{ type: 'dns', value: profile.name }];
  if (profile.name === 'localhost')
    names.push({ type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' });
  return names;
}

/** A leaf signed by the CA: CA:FALSE, digitalSignature (+ keyEncipherment for RSA), clientAuth or serverAuth. */
export async function createLeafCertificate(opts: {
  readonly profile: LeafProfile;
  readonly ca: x509.X509Certificate;
  readonly caKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
}): Promise<x509.X509Certificate> {
  const { profile } = opts;
  let usage = x509.KeyUsageFlags.digitalSignature;
  if (opts.publicKey.algorithm.name !== 'ECDSA') usage |= x509.KeyUsageFlags.keyEncipherment;
  const names = alternativeNames(profile);
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [profile.name] }],
    issuer: opts.ca.subjectName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    publicKey: opts.publicKey,
    signingKey: opts.caKey,
    signingAlgorithm: signatureAlgorithm(opts.caKey),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      new x509.ExtendedKeyUsageExtension(
        [profile.kind === 'client' ? CLIENT_AUTH_EKU : x509.ExtendedKeyUsage.serverAuth],
        false,
      ),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
      await x509.SubjectKeyIdentifierExtension.create(opts.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(await opts.ca.publicKey.export()),
    ],
  });
}

export { BACKDATE_MS, DAY_MS };
