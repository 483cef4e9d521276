import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createAuthorizer } from './authorize.js';
import { authorizerConfig } from './config.js';
import { jsonLog } from './log.js';
import { RevocationListCache } from './revocation-list-cache.js';
import { S3RevocationList } from './s3-revocation-list.js';

/**
 * Lambda entry point (nodejs22.x, ESM bundle by the CDK's NodejsFunction). Environment: REVOCATION_LIST_BUCKET,
 * REVOCATION_LIST_KEY, REVOCATION_LIST_TTL_SECONDS (see config.ts). A configuration error fails the cold
 * start loudly (API Gateway answers 500) instead of allowing anything.
 */
const config = authorizerConfig(process.env);
const source = new S3RevocationList(new S3Client({}), config.bucket, config.key);
const authorize = createAuthorizer({
  revocations: new RevocationListCache(source, config.ttlSeconds * 1000),
  now: () => new Date(),
  log: jsonLog,
});

export const handler = async (event: unknown): Promise<APIGatewayAuthorizerResult> => {
  try {
    return await authorize(event);
  } catch (err) {
    jsonLog('error', 'cannot decide: failing the request', {
      location: source.location,
      error: err instanceof Error ? err.message : String(err),
    });
    throw new Error('client certificate authorizer unavailable', { cause: err });
  }
};
