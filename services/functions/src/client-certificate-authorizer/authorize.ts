import {
  CertificateFormatError,
  evaluateClientCertificate,
  identityFromApiGatewayClientCert,
  type ClientCertificateIdentity,
} from '@tessera/pki';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { AuthorizerLog } from './log.js';
import { allow, deny, stageResource } from './policy.js';
import type { RevocationListCache } from './revocation-list-cache.js';

export interface AuthorizerDeps {
  readonly revocations: Pick<RevocationListCache, 'get'>;
  readonly now: () => Date;
  readonly log: AuthorizerLog;
}

/** `event.requestContext.identity.clientCert`, or undefined when the event does not have that shape. */
function clientCertOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return undefined;
  const context = (event as { requestContext?: unknown }).requestContext;
  if (typeof context !== 'object' || context === null) return undefined;
  const identity = (context as { identity?: unknown }).identity;
  if (typeof identity !== 'object' || identity === null) return undefined;
  return (identity as { clientCert?: unknown }).clientCert;
}

/**
 * The API Gateway REQUEST authorizer for the mutual-TLS custom domain. API Gateway has already verified the
 * certificate chain against the truststore; this applies the shared rule (revocation, validity, merchant
 * binding) and allows every method of the stage with the certificate's merchant in `context.merchantId`.
 *
 * A malformed event is denied. When the revocation list cannot be loaded the returned promise rejects: API
 * Gateway then answers 500 and, unlike a Deny, caches nothing — fail closed without turning an S3 hiccup
 * into cached denials.
 */
export function createAuthorizer(deps: AuthorizerDeps) {
  return async (event: unknown): Promise<APIGatewayAuthorizerResult> => {
    const resource = stageResource((event as { methodArn?: unknown } | null)?.methodArn);
    if (resource === null) {
      deps.log('warn', 'denied: the event has no execute-api methodArn', { reason: 'malformed_event' });
      return deny('unknown', null, 'malformed_event');
    }
    let identity: ClientCertificateIdentity;
    try {
      identity = identityFromApiGatewayClientCert(clientCertOf(event));
    } catch (err) {
      if (!(err instanceof CertificateFormatError)) throw err;
      deps.log('warn', `denied: ${err.message}`, { reason: 'malformed_certificate' });
      return deny('unknown', resource, 'malformed_certificate');
    }
    const principal = `certificate:${identity.serialNumber}`;
    const fields = { serial: identity.serialNumber, subject: identity.subject };
    const revocations = await deps.revocations.get();
    const decision = evaluateClientCertificate(identity, revocations, deps.now());
    if (!decision.allowed) {
      deps.log('info', `denied: ${decision.message}`, { ...fields, reason: decision.reason });
      return deny(principal, resource, decision.reason);
    }
    deps.log('info', 'allowed', { ...fields, merchantId: decision.merchantId });
    return allow(principal, resource, {
      merchantId: decision.merchantId,
      certificateSerial: identity.serialNumber,
      certificateSubject: identity.subject,
    });
  };
}
