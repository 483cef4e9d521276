import { describe, expect, it } from 'vitest';
import {
  CertificateFormatError,
  identityFromApiGatewayClientCert,
  identityFromCertificate,
} from '../src/client-certificate.js';
import { subjectKey } from '../src/distinguished-name.js';
import { x509 } from '../src/x509.js';
import { makeCertificate } from './support/certificates.js';

describe('identityFromCertificate', () => {
  it('reads serial, subject, validity, SAN URIs and EKUs from PEM and DER alike', async () => {
    const cert = await makeCertificate({
      subject: 'C=DE, O=Acme\\, Inc, CN=partner-a',
      serialNumber: '00ff01',
      uris: ['urn:tessera:merchant:acct_0123456789abcdef', 'https://partner.example'],
    });
    const identity = identityFromCertificate(cert.toString('pem'));
    expect(identity).toEqual({
      serialNumber: 'ff01',
      subject: 'C=DE, O=Acme\\, Inc, CN=partner-a',
      subjectKey: subjectKey('CN=partner-a,O=Acme\\, Inc,C=DE'),
      issuer: 'C=DE, O=Acme\\, Inc, CN=partner-a',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      uris: ['urn:tessera:merchant:acct_0123456789abcdef', 'https://partner.example'],
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
    });
    expect(identityFromCertificate(new Uint8Array(cert.rawData))).toEqual(identity);
  });

  it('reports a certificate without EKU extension as null (usable for anything)', async () => {
    const cert = await makeCertificate({ ekus: null });
    expect(identityFromCertificate(cert.toString('pem')).extendedKeyUsages).toBeNull();
  });

  it('refuses input that is not exactly one certificate', async () => {
    const pem = (await makeCertificate({})).toString('pem');
    expect(() => identityFromCertificate('hello')).toThrow(/expected one PEM certificate, found 0/);
    expect(() => identityFromCertificate(`${pem}\n${pem}`)).toThrow(/found 2/);
    expect(() =>
      identityFromCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ).toThrow(CertificateFormatError);
    expect(() => identityFromCertificate(new Uint8Array([1, 2, 3]))).toThrow(/not an X.509 certificate/);
  });

  it('refuses a certificate whose subjectAltName does not decode', async () => {
    const broken = new x509.Extension('2.5.29.17', false, new Uint8Array([0x30, 0x03, 0x86, 0x05, 0x61]));
    const pem = (await makeCertificate({ extensions: [broken] })).toString('pem');
    expect(() => identityFromCertificate(pem)).toThrow(CertificateFormatError);
  });
});

describe('identityFromApiGatewayClientCert', () => {
  it('parses requestContext.identity.clientCert from its PEM', async () => {
    const cert = await makeCertificate({ uris: ['urn:tessera:merchant:acct_0123456789abcdef'] });
    const identity = identityFromApiGatewayClientCert({
      clientCertPem: cert.toString('pem'),
      subjectDN: 'CN=partner-a',
      issuerDN: 'CN=partner-a',
      serialNumber: '1ab',
      validity: { notBefore: 'Jan  1 00:00:00 2026 GMT', notAfter: 'Jan  1 00:00:00 2027 GMT' },
    });
    expect(identity.serialNumber).toBe('1ab');
    expect(identity.uris).toEqual(['urn:tessera:merchant:acct_0123456789abcdef']);
  });

  it('refuses a missing certificate or PEM', () => {
    expect(() => identityFromApiGatewayClientCert(null)).toThrow(/carries no client certificate/);
    expect(() => identityFromApiGatewayClientCert('x')).toThrow(/carries no client certificate/);
    expect(() => identityFromApiGatewayClientCert({ subjectDN: 'CN=a' })).toThrow(/clientCertPem is missing/);
    expect(() => identityFromApiGatewayClientCert({ clientCertPem: 42 })).toThrow(/clientCertPem is missing/);
  });
});
