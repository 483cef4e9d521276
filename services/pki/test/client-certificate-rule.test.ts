import { describe, expect, it } from 'vitest';
import { checkKeyMerchant, evaluateClientCertificate } from '../src/client-certificate-rule.js';
import type { ClientCertificateIdentity } from '../src/client-certificate.js';
import { subjectKey } from '../src/distinguished-name.js';
import { RevocationIndex, emptyRevocationList, type RevocationList } from '../src/revocation-list.js';

const MERCHANT = 'acct_0123456789abcdef';
const NOW = new Date('2026-06-01T00:00:00Z');

const identity = (overrides: Partial<ClientCertificateIdentity> = {}): ClientCertificateIdentity => ({
  serialNumber: '5f1c',
  subject: 'CN=partner-a, O=Acme',
  subjectKey: subjectKey('CN=partner-a, O=Acme'),
  issuer: 'CN=Tessera Partner CA',
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  uris: [`urn:tessera:merchant:${MERCHANT}`],
  extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
  ...overrides,
});

const revocations = (list: Partial<RevocationList> = {}) =>
  new RevocationIndex({ ...emptyRevocationList(NOW), ...list });
const NONE = revocations();

describe('evaluateClientCertificate', () => {
  it('answers the merchant of a valid, unrevoked, bound certificate', () => {
    expect(evaluateClientCertificate(identity(), NONE, NOW)).toEqual({ allowed: true, merchantId: MERCHANT });
    // no EKU extension = any use, including client auth
    expect(evaluateClientCertificate(identity({ extendedKeyUsages: null }), NONE, NOW).allowed).toBe(true);
  });

  it('denies a revoked serial', () => {
    const list = revocations({ serials: [{ serial: '5f1c', revokedAt: '2026-05-01T00:00:00Z' }] });
    expect(evaluateClientCertificate(identity(), list, NOW)).toMatchObject({
      allowed: false,
      reason: 'revoked_serial',
      message: 'The client certificate 5f1c was revoked at 2026-05-01T00:00:00Z.',
    });
    expect(evaluateClientCertificate(identity({ serialNumber: '5f1d' }), list, NOW).allowed).toBe(true);
  });

  it('denies every certificate of a revoked subject, however the subject was written', () => {
    const list = revocations({
      subjects: [{ subject: 'O=ACME,CN=Partner-A', revokedAt: '2026-05-01T00:00:00Z' }],
    });
    expect(evaluateClientCertificate(identity({ serialNumber: '1' }), list, NOW)).toMatchObject({
      allowed: false,
      reason: 'revoked_subject',
    });
    const other = identity({
      subject: 'CN=partner-b, O=Acme',
      subjectKey: subjectKey('CN=partner-b, O=Acme'),
    });
    expect(evaluateClientCertificate(other, list, NOW).allowed).toBe(true);
  });

  it('denies outside the validity period, at the exact edges included as valid', () => {
    const cert = identity();
    expect(evaluateClientCertificate(cert, NONE, new Date('2025-12-31T23:59:59Z'))).toMatchObject({
      reason: 'not_yet_valid',
    });
    expect(evaluateClientCertificate(cert, NONE, new Date('2027-01-01T00:00:01Z'))).toMatchObject({
      reason: 'expired',
      message: 'The client certificate expired at 2027-01-01T00:00:00.000Z.',
    });
    expect(evaluateClientCertificate(cert, NONE, cert.notBefore).allowed).toBe(true);
    expect(evaluateClientCertificate(cert, NONE, cert.notAfter).allowed).toBe(true);
  });

  it('denies a certificate not issued for client authentication (e.g. a server certificate)', () => {
    const server = identity({ extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] });
    expect(evaluateClientCertificate(server, NONE, NOW)).toMatchObject({ reason: 'not_for_client_auth' });
  });

  it('denies a certificate bound to no merchant, to two, or to a malformed id', () => {
    expect(evaluateClientCertificate(identity({ uris: [] }), NONE, NOW)).toMatchObject({
      reason: 'no_merchant_binding',
    });
    const two = identity({
      uris: [`urn:tessera:merchant:${MERCHANT}`, 'urn:tessera:merchant:acct_ffffffffffffffff'],
    });
    expect(evaluateClientCertificate(two, NONE, NOW)).toMatchObject({ reason: 'ambiguous_merchant_binding' });
    const bad = identity({ uris: ['urn:tessera:merchant:acct_!'] });
    expect(evaluateClientCertificate(bad, NONE, NOW)).toMatchObject({ reason: 'malformed_merchant_binding' });
  });

  it('checks revocation before anything else, so a revoked certificate is reported as revoked', () => {
    const list = revocations({ serials: [{ serial: '5f1c', revokedAt: '2026-05-01T00:00:00Z' }] });
    const expiredUnbound = identity({ uris: [], notAfter: new Date('2026-02-01T00:00:00Z') });
    expect(evaluateClientCertificate(expiredUnbound, list, NOW)).toMatchObject({ reason: 'revoked_serial' });
  });
});

describe('checkKeyMerchant', () => {
  it('allows only the key of the certificate merchant', () => {
    expect(checkKeyMerchant(MERCHANT, MERCHANT)).toEqual({ allowed: true });
    expect(checkKeyMerchant(MERCHANT, 'acct_ffffffffffffffff')).toEqual({
      allowed: false,
      reason: 'merchant_mismatch',
      message: 'The API key belongs to a different merchant account than the client certificate.',
    });
  });
});
