// The shared part of the PKI: what the API Gateway authorizer and the payment API's local mTLS mode import.
export {
  CLIENT_AUTH_EKU,
  checkKeyMerchant,
  evaluateClientCertificate,
  type CertificateDecision,
  type CertificateDenyReason,
  type MerchantMatch,
} from './client-certificate-rule.js';
export {
  CertificateFormatError,
  identityFromApiGatewayClientCert,
  identityFromCertificate,
  type ClientCertificateIdentity,
} from './client-certificate.js';
export { DistinguishedNameError, subjectKey } from './distinguished-name.js';
export { MERCHANT_URI_PREFIX, isMerchantId, merchantBinding, merchantUri } from './merchant-binding.js';
export {
  REVOCATION_LIST_FORMAT,
  REVOCATION_REASONS,
  RevocationIndex,
  RevocationListError,
  emptyRevocationList,
  parseRevocationList,
  serializeRevocationList,
  type RevocationList,
  type RevocationReason,
  type RevokedSerial,
  type RevokedSubject,
} from './revocation-list.js';
export { canonicalSerial } from './serial-number.js';
