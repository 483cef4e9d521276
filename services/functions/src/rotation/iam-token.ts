import { Signer } from '@aws-sdk/rds-signer';
import type { IamTokenSigner } from './context.js';

/** The values `DB_USER_AUTH` accepts: `password` (behind RDS Proxy, the default) or `iam` (direct logins). */
export const USER_AUTH_MODES = ['password', 'iam'] as const;

/**
 * The token signer the environment asks for: none for `DB_USER_AUTH=password` (or unset), an RDS signer in
 * the function's region for `iam`. Anything else fails the cold start.
 */
export function iamTokenSignerFrom(env: NodeJS.ProcessEnv): IamTokenSigner | undefined {
  const mode = env['DB_USER_AUTH'] ?? 'password';
  if (mode === 'password') return undefined;
  if (mode !== 'iam') {
    throw new Error(
      `DB_USER_AUTH: got "${mode}"; allowed: ${USER_AUTH_MODES.map((m) => `"${m}"`).join(', ')}`,
    );
  }
  const region = env['AWS_REGION'];
  if (!region) throw new Error('DB_USER_AUTH "iam" needs AWS_REGION (set by Lambda) to sign tokens');
  return ({ host, port, username }) => new Signer({ hostname: host, port, username, region }).getAuthToken();
}
