import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export class ConfigError extends Error {}

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly pool: pg.PoolConfig; readonly description: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly idempotencyRetentionHours: number;
  readonly idempotencyLeaseSeconds: number;
  readonly reaperIntervalSeconds: number;
  /** How often queued audit records are linked into their hash chains. */
  readonly auditSealIntervalMs: number;
  /** Create a demo merchant and print its key on first run (embedded default only, unless forced). */
  readonly demoMerchant: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SSL_MODES = ['disable', 'require', 'verify-full'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} is ${JSON.stringify(raw)}; expected an integer from ${min} to ${max}`);
  }
  return value;
}

function oneOf(env: NodeJS.ProcessEnv, name: string, allowed: string[], fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw)) {
    throw new ConfigError(`${name} is ${JSON.stringify(raw)}; allowed values: ${allowed.join(', ')}`);
  }
  return raw;
}

/** The repository root (holds package-lock.json) above this module, for the default `.tessera/` data dir. */
function defaultDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package-lock.json'))) return join(dir, '.tessera');
    const parent = dirname(dir);
    if (parent === dir) return resolve(process.cwd(), '.tessera');
    dir = parent;
  }
}

/** True when the platform configured a PostgreSQL server (libpq variables or DATABASE_URL). */
export function usesServerDatabase(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST);
}

export function postgresPoolConfig(env: NodeJS.ProcessEnv): { pool: pg.PoolConfig; description: string } {
  const sslMode = oneOf(env, 'DATABASE_SSL', SSL_MODES, 'disable');
  const url = env.DATABASE_URL;
  if (url && sslMode !== 'disable' && /[?&]ssl(mode)?=/i.test(url)) {
    throw new ConfigError('DATABASE_URL contains sslmode/ssl and DATABASE_SSL is set; use only DATABASE_SSL');
  }
  const pool: pg.PoolConfig = {
    max: integer(env, 'DB_POOL_MAX', 10, 1, 200),
    connectionTimeoutMillis: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5000, 100, 120000),
    idleTimeoutMillis: 30000,
    application_name: 'tessera-payment-api',
  };
  if (url) {
    pool.connectionString = url;
  } else {
    // The libpq variables, read from the given environment (not pg's implicit process.env defaults).
    if (env.PGHOST) pool.host = env.PGHOST;
    if (env.PGPORT) pool.port = integer(env, 'PGPORT', 5432, 1, 65535);
    if (env.PGUSER) pool.user = env.PGUSER;
    if (env.PGPASSWORD) pool.password = env.PGPASSWORD;
    if (env.PGDATABASE) pool.database = env.PGDATABASE;
  }
  if (sslMode === 'require') pool.ssl = { rejectUnauthorized: false };
  if (sslMode === 'verify-full') {
    const caFile = env.DATABASE_SSL_CA;
    let ca: string | undefined;
    if (caFile) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (err) {
        throw new ConfigError(
          `DATABASE_SSL_CA is ${JSON.stringify(caFile)}; the file cannot be read (${(err as Error).message})`,
        );
      }
    }
    // Verifies the certificate chain (system store, NODE_EXTRA_CA_CERTS or DATABASE_SSL_CA) and the host name.
    pool.ssl = ca ? { rejectUnauthorized: true, ca } : { rejectUnauthorized: true };
  }
  const target = url
    ? safeUrl(url)
    : `${env.PGHOST}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? env.PGUSER ?? ''}`;
  return { pool, description: `postgresql://${target} (ssl ${sslMode})` };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    throw new ConfigError(
      'DATABASE_URL is not a valid URL (expected postgresql://user:password@host:port/database)',
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || defaultDataDir());
  const server = usesServerDatabase(env);
  if (!server && env.TESSERA_EMBEDDED_DB === 'forbid') {
    throw new ConfigError(
      'no database configured: set PGHOST (with PGPORT, PGUSER, PGPASSWORD, PGDATABASE) or DATABASE_URL; ' +
        'this image does not run the embedded database',
    );
  }
  const database: DatabaseConfig = server
    ? { kind: 'postgres', ...postgresPoolConfig(env) }
    : { kind: 'pglite', dataDir };
  const demo = oneOf(env, 'DEMO_MERCHANT', ['true', 'false', 'auto'], 'auto');
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir,
    database,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    idempotencyRetentionHours: integer(env, 'IDEMPOTENCY_RETENTION_HOURS', 24, 24, 24 * 30),
    idempotencyLeaseSeconds: integer(env, 'IDEMPOTENCY_LEASE_SECONDS', 60, 5, 3600),
    reaperIntervalSeconds: integer(env, 'IDEMPOTENCY_REAPER_INTERVAL_SECONDS', 600, 1, 86400),
    auditSealIntervalMs: integer(env, 'AUDIT_SEAL_INTERVAL_MS', 1000, 50, 60000),
    demoMerchant: demo === 'true' || (demo === 'auto' && !server),
  };
}
