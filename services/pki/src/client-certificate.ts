import { attributeOid, distinguishedNameKey, type DnAttribute } from './distinguished-name.js';
import { canonicalSerial } from './serial-number.js';
import { x509 } from './x509.js';

/** What the client-certificate rule looks at, read from the certificate itself. */
export interface ClientCertificateIdentity {
  /** Canonical lower-case hex ({@link canonicalSerial}). */
  readonly serialNumber: string;
  /** RFC 4514 string in encoding order, e.g. `CN=partner-a` (for logs and the authorizer context). */
  readonly subject: string;
  /** Order-independent comparison key of the subject ({@link distinguishedNameKey}). */
  readonly subjectKey: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** subjectAltName URIs, where the merchant binding lives. */
  readonly uris: readonly string[];
  /** Extended key usage OIDs; null when the certificate has no EKU extension (any use). */
  readonly extendedKeyUsages: readonly string[] | null;
}

export class CertificateFormatError extends Error {}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function nameAttributes(name: x509.Name): DnAttribute[] {
  return name
    .toJSON()
    .flatMap((rdn) =>
      Object.entries(rdn).flatMap(([type, values]) =>
        values.map((value) => ({ oid: attributeOid(type) ?? type, value: String(value) })),
      ),
    );
}

/** Parses one X.509 certificate (a single PEM block, or DER bytes) into the identity the rule checks. */
export function identityFromCertificate(certificate: string | Uint8Array): ClientCertificateIdentity {
  try {
    return readIdentity(parseCertificate(certificate));
  } catch (err) {
    if (err instanceof CertificateFormatError) throw err;
    // also a malformed extension, which @peculiar/x509 only decodes when it is read
    throw new CertificateFormatError(`not an X.509 certificate (${(err as Error).message})`);
  }
}

function parseCertificate(certificate: string | Uint8Array): x509.X509Certificate {
  if (typeof certificate !== 'string') return new x509.X509Certificate(certificate);
  const blocks = certificate.match(PEM_BLOCK) ?? [];
  if (blocks.length !== 1)
    throw new CertificateFormatError(`expected one PEM certificate, found ${blocks.length}`);
  return new x509.X509Certificate(blocks[0] as string);
}

function readIdentity(cert: x509.X509Certificate): ClientCertificateIdentity {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  return {
    serialNumber: canonicalSerial(cert.serialNumber) ?? cert.serialNumber,
    subject: cert.subject,
    subjectKey: distinguishedNameKey(nameAttributes(cert.subjectName)),
    issuer: cert.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    uris: (san?.names.items ?? []).filter((n) => n.type === 'url').map((n) => n.value),
    extendedKeyUsages: eku ? eku.usages.map(String) : null,
  };
}

/**
 * The identity of API Gateway's `requestContext.identity.clientCert`. Everything is read from
 * `clientCertPem` — the certificate API Gateway verified against the truststore — rather than from the
 * pre-formatted `subjectDN`/`serialNumber`/`validity` strings: the SAN URIs exist only in the PEM, and one
 * parser gives the authorizer and the payment API's local mode the same serial and subject forms.
 */
export function identityFromApiGatewayClientCert(clientCert: unknown): ClientCertificateIdentity {
  if (typeof clientCert !== 'object' || clientCert === null) {
    throw new CertificateFormatError(
      'the request carries no client certificate (requestContext.identity.clientCert)',
    );
  }
  const pem = (clientCert as { clientCertPem?: unknown }).clientCertPem;
  if (typeof pem !== 'string' || pem === '') {
    throw new CertificateFormatError('clientCert.clientCertPem is missing');
  }
  return identityFromCertificate(pem);
}
