import type { ClientCertificateIdentity } from './client-certificate.js';
import { merchantBinding } from './merchant-binding.js';
import type { RevocationIndex } from './revocation-list.js';

/**
 * The one rule both the API Gateway authorizer and the payment API's local mTLS mode apply to a client
 * certificate that already chained to the truststore (ADR 0034, 0036).
 */
export type CertificateDenyReason =
  | 'revoked_serial'
  | 'revoked_subject'
  | 'not_yet_valid'
  | 'expired'
  | 'not_for_client_auth'
  | 'no_merchant_binding'
  | 'ambiguous_merchant_binding'
  | 'malformed_merchant_binding';

export type CertificateDecision =
  | { readonly allowed: true; readonly merchantId: string }
  | { readonly allowed: false; readonly reason: CertificateDenyReason; readonly message: string };

/** id-kp-clientAuth (RFC 5280 4.2.1.12). */
export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

function deny(reason: CertificateDenyReason, message: string): CertificateDecision {
  return { allowed: false, reason, message };
}

/**
 * Denies a certificate that is revoked (by serial or subject), outside its validity period, not for client
 * authentication, or not bound to exactly one merchant account; otherwise answers the merchant it is bound to.
 */
export function evaluateClientCertificate(
  identity: ClientCertificateIdentity,
  revocations: RevocationIndex,
  now: Date,
): CertificateDecision {
  const bySerial = revocations.serial(identity.serialNumber);
  if (bySerial) {
    return deny(
      'revoked_serial',
      `The client certificate ${identity.serialNumber} was revoked at ${bySerial.revokedAt}.`,
    );
  }
  const bySubject = revocations.subject(identity.subjectKey);
  if (bySubject) {
    return deny(
      'revoked_subject',
      `Client certificates with subject "${identity.subject}" were revoked at ${bySubject.revokedAt}.`,
    );
  }
  if (now.getTime() < identity.notBefore.getTime()) {
    return deny(
      'not_yet_valid',
      `The client certificate is not valid before ${identity.notBefore.toISOString()}.`,
    );
  }
  if (now.getTime() > identity.notAfter.getTime()) {
    return deny('expired', `The client certificate expired at ${identity.notAfter.toISOString()}.`);
  }
  if (identity.extendedKeyUsages !== null && !identity.extendedKeyUsages.includes(CLIENT_AUTH_EKU)) {
    return deny('not_for_client_auth', 'The certificate is not issued for TLS client authentication.');
  }
  const binding = merchantBinding(identity.uris);
  switch (binding.kind) {
    case 'bound':
      return { allowed: true, merchantId: binding.merchantId };
    case 'none':
      return deny('no_merchant_binding', 'The client certificate is not bound to a merchant account.');
    case 'ambiguous':
      return deny(
        'ambiguous_merchant_binding',
        'The client certificate names more than one merchant account.',
      );
    case 'malformed':
      return deny('malformed_merchant_binding', 'The client certificate names an invalid merchant account.');
  }
}

export type MerchantMatch =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'merchant_mismatch'; readonly message: string };

/** The second half: the merchant of the request's API key must be the certificate's merchant. */
export function checkKeyMerchant(certificateMerchantId: string, keyMerchantId: string): MerchantMatch {
  if (certificateMerchantId === keyMerchantId) return { allowed: true };
  return {
    allowed: false,
    reason: 'merchant_mismatch',
    message: 'The API key belongs to a different merchant account than the client certificate.',
  };
}
