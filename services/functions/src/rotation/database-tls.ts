import { readFileSync } from 'node:fs';

/**
 * How the rotation function protects its database connections.
 * - `verify-full` (the default and the only mode allowed in Lambda): TLS with certificate-chain and host-name
 *   verification. The CA comes from `DB_TLS_CA_FILE`; inside Lambda it defaults to the runtime's Amazon CA
 *   bundle `/var/runtime/ca-cert.pem`, which contains the Amazon RDS root CAs (Node 20+ runtimes no longer
 *   load it by default). Outside Lambda, without `DB_TLS_CA_FILE`, Node's trust store (plus
 *   `NODE_EXTRA_CA_CERTS`) is used.
 * - `disabled` (`DB_TLS=disable`): TEST-ONLY switch for a local database without TLS. Refused when
 *   `AWS_LAMBDA_FUNCTION_NAME` is set, so a deployed function cannot be talked out of TLS by configuration.
 */
export type DatabaseTls =
  { readonly mode: 'verify-full'; readonly ca?: string } | { readonly mode: 'disabled' };

export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

type ReadText = (path: string) => string;

export function resolveDatabaseTls(
  env: Readonly<Record<string, string | undefined>>,
  readText: ReadText = (path) => readFileSync(path, 'utf8'),
): DatabaseTls {
  const inLambda = Boolean(env['AWS_LAMBDA_FUNCTION_NAME']);
  const mode = env['DB_TLS'] ?? 'verify-full';
  if (mode === 'disable') {
    if (inLambda) {
      throw new ConfigurationError(
        'DB_TLS: "disable" is a test-only setting and is refused inside Lambda (AWS_LAMBDA_FUNCTION_NAME is set); allowed there: "verify-full"',
      );
    }
    return { mode: 'disabled' };
  }
  if (mode !== 'verify-full') {
    throw new ConfigurationError(
      `DB_TLS: got "${mode}"; allowed: "verify-full" (default) or "disable" (tests only)`,
    );
  }
  const caFile = env['DB_TLS_CA_FILE'] || (inLambda ? LAMBDA_CA_BUNDLE : undefined);
  if (caFile === undefined) return { mode: 'verify-full' };
  let ca: string;
  try {
    ca = readText(caFile);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`DB_TLS_CA_FILE: cannot read "${caFile}": ${reason}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigurationError(`DB_TLS_CA_FILE: "${caFile}" holds no PEM certificate`);
  }
  return { mode: 'verify-full', ca };
}

/** The `ssl` option for `pg`: never `rejectUnauthorized: false`. */
export function pgSslOption(tls: DatabaseTls): false | { rejectUnauthorized: true; ca?: string } {
  if (tls.mode === 'disabled') return false;
  return tls.ca === undefined ? { rejectUnauthorized: true } : { rejectUnauthorized: true, ca: tls.ca };
}
