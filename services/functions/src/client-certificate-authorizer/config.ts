export interface AuthorizerConfig {
  readonly bucket: string;
  readonly key: string;
  readonly ttlSeconds: number;
}

export class AuthorizerConfigError extends Error {}

/** Up to 15 minutes: the revocation delay is this plus the authorizer's result cache TTL. */
const MAX_TTL_SECONDS = 900;

/**
 * REVOCATION_LIST_BUCKET and REVOCATION_LIST_KEY name the S3 object; REVOCATION_LIST_TTL_SECONDS (default
 * 60, 0 = read on every invocation) is how long an execution environment reuses the list it read.
 */
export function authorizerConfig(env: NodeJS.ProcessEnv): AuthorizerConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new AuthorizerConfigError(`${name} is required`);
    return value;
  };
  const bucket = required('REVOCATION_LIST_BUCKET');
  const key = required('REVOCATION_LIST_KEY');
  const raw = env.REVOCATION_LIST_TTL_SECONDS;
  const ttlSeconds = raw === undefined || raw === '' ? 60 : Number(raw);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new AuthorizerConfigError(
      `REVOCATION_LIST_TTL_SECONDS is ${JSON.stringify(raw)}; expected an integer from 0 to ${MAX_TTL_SECONDS}`,
    );
  }
  return { bucket, key, ttlSeconds };
}
