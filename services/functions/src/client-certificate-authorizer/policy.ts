import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** `arn:aws:execute-api:region:account:api-id/stage/METHOD/path` (the REQUEST authorizer's methodArn). */
const METHOD_ARN = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/[^/]+)\/.+$/;

/**
 * The policy resource: every method of the stage, not just the one called. API Gateway caches the result
 * per identity source (the certificate) and applies the cached policy to the client's next requests on any
 * method; a policy naming only the first method would deny the others from the cache.
 */
export function stageResource(methodArn: unknown): string | null {
  if (typeof methodArn !== 'string') return null;
  const match = METHOD_ARN.exec(methodArn);
  return match ? `${match[1]}/*` : null;
}

/** Values API Gateway exposes as `$context.authorizer.<key>` and can map into integration headers. */
export interface CertificateContext {
  readonly merchantId: string;
  readonly certificateSerial: string;
  readonly certificateSubject: string;
}

export function allow(
  principalId: string,
  resource: string,
  context: CertificateContext,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    },
    context: { ...context },
  };
}

/** An explicit deny (API Gateway answers 403). `resource` null (unknown method ARN) denies everything. */
export function deny(
  principalId: string,
  resource: string | null,
  reason: string,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: resource ?? '*' }],
    },
    context: { denyReason: reason },
  };
}
