import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseRevocationList } from '@tessera/pki';
import type pg from 'pg';
import { eventsConfig, type EventsConfig } from './events-config.js';
import {
  DEFAULT_RETRY_SCHEDULE,
  EMBEDDED_RETRY_SCHEDULE,
  parseRetrySchedule,
  type RetrySchedule,
} from './domain/retry-schedule.js';

export class ConfigError extends Error {}

/** How the service logs in to PostgreSQL: a password from the environment, or IAM tokens (RDS Proxy). */
export type DatabaseAuth =
  | { readonly mode: 'password' }
  | {
      readonly mode: 'iam';
      /** Secret whose `username` (AWSCURRENT) names the user to log in as; its password is never read. */
      readonly secretArn: string;
      readonly region: string;
      /** Endpoint the tokens are signed for. */
      readonly hostname: string;
      readonly port: number;
    };

export interface PostgresConfig {
  readonly kind: 'postgres';
  readonly pool: pg.PoolConfig;
  readonly description: string;
  readonly auth: DatabaseAuth;
  /** Role the migrations run as (`SET ROLE`), so objects belong to it whichever login user runs them. */
  readonly ownerRole?: string;
}

export type DatabaseConfig = PostgresConfig | { readonly kind: 'pglite'; readonly dataDir: string };

/** HTTPS for the local mode; with `clientAuth`, mutual TLS with the shared client-certificate rule. */
export interface TlsConfig {
  /** PEM contents of TLS_CERT_FILE and TLS_KEY_FILE. */
  readonly cert: string;
  readonly key: string;
  readonly clientAuth?: {
    /** PEM of TLS_CLIENT_CA_FILE: the CAs client certificates must chain to (the `pki bundle` truststore). */
    readonly ca: string;
    readonly caFile: string;
    /** TLS_REVOCATION_FILE: the CA folder's revocations.json, re-read when it changes. */
    readonly revocationFile: string;
  };
}

/** Webhook delivery (ADR 0033). */
export interface WebhookConfig {
  /** WEBHOOK_RETRY_SCHEDULE: the waits in seconds before each retry of a failed delivery. */
  readonly retrySchedule: RetrySchedule;
  /** WEBHOOK_TIMEOUT_MS: how long one attempt may take (connect to response) before it counts as failed. */
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_LOOPBACK_HTTP: plain http and loopback receivers allowed (local development). */
  readonly allowLoopbackHttp: boolean;
  /** WEBHOOK_DELIVERY_INTERVAL_MS: how often the due deliveries are claimed and sent. */
  readonly deliveryIntervalMs: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: string;
  /** METRICS_ENVIRONMENT: the `Environment` dimension of the business metrics (the infra sets the env name). */
  readonly metricsEnvironment: string;
  readonly bodyLimitBytes: number;
  readonly idempotencyRetentionHours: number;
  /** How long an in-flight key stays locked without a heartbeat (a crashed run's key is resumable after it). */
  readonly idempotencyLeaseSeconds: number;
  readonly reaperIntervalSeconds: number;
  /**
   * How long a request waits for another one changing the same object (and PostgreSQL for a row lock)
   * before it answers 429 lock_timeout.
   */
  readonly lockTimeoutMs: number;
  /** How long a CVC collected with a payment method stays usable (encrypted in the vault) for its first authorization. */
  readonly cvcTtlSeconds: number;
  /** How often queued audit records are linked into their hash chains. */
  readonly auditSealIntervalMs: number;
  /** Create a demo merchant and print its key on first run (embedded default only, unless forced). */
  readonly demoMerchant: boolean;
  /** Origins allowed to read `/health` and `/ready` from a browser (CORS); `'*'` = any. */
  readonly probeCorsOrigins: '*' | readonly string[];
  /** HTTPS (and mutual TLS) from TLS_* files; plain HTTP when unset, as behind the ALB. */
  readonly tls?: TlsConfig;
  /** Settlement (ADR 0032): when captured funds become available, and when the daily run starts. */
  readonly settlement: {
    /** SETTLEMENT_DELAY_DAYS: a capture's funds become available this many days after its UTC day. */
    readonly delayDays: number;
    /** SETTLEMENT_HOUR_UTC: the daily run settles yesterday and earlier once this hour (UTC) has begun. */
    readonly hourUtc: number;
  };
  /**
   * Where settlement reports go: DOCUMENTS_BUCKET (S3, in AWS) or, when unset, files under
   * `<dataDir>/documents/`.
   */
  readonly documents:
    { readonly kind: 's3'; readonly bucket: string } | { readonly kind: 'local'; readonly dir: string };
  /** Failed authentications allowed per window, per source IP and per presented-key prefix (each process). */
  readonly authFailures: {
    readonly windowSeconds: number;
    readonly perSource: number;
    readonly perKeyPrefix: number;
  };
  /** The event stream: its queue, the relay, the workers and the events' retention (ADR 0031). */
  readonly events: EventsConfig;
  readonly webhooks: WebhookConfig;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SSL_MODES = ['disable', 'require', 'verify-full'];
const AUTH_MODES = ['password', 'iam'];
/** A plain, unquoted PostgreSQL role name (the alternating users' base role, e.g. payment_api). */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
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

/** CORS_ALLOWED_ORIGINS: `*` (default) or a comma-separated list of origins such as https://status.example.com. */
function corsOrigins(env: NodeJS.ProcessEnv): '*' | readonly string[] {
  const raw = env.CORS_ALLOWED_ORIGINS?.trim();
  if (!raw || raw === '*') return '*';
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['https:', 'http:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `CORS_ALLOWED_ORIGINS contains ${JSON.stringify(origin)}; expected "*" or comma-separated origins ` +
          'like https://status.example.com (scheme and host, no path or trailing slash)',
      );
    }
    return origin;
  });
}

/** A TLS_* path; relative ones resolve from where `npm start` was run (npm's INIT_CWD), else the cwd. */
function tlsPath(env: NodeJS.ProcessEnv, name: string): string {
  return resolve(env.INIT_CWD || process.cwd(), env[name] as string);
}

function readTlsFile(env: NodeJS.ProcessEnv, name: string): string {
  const path = tlsPath(env, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${name} is ${JSON.stringify(env[name])}${path === env[name] ? '' : ` (${path})`}; the file cannot be ` +
        `read (${(err as Error).message})`,
    );
  }
}

/**
 * TLS_CERT_FILE + TLS_KEY_FILE serve HTTPS; adding TLS_CLIENT_CA_FILE + TLS_REVOCATION_FILE requires a client
 * certificate on every connection and applies the certificate rule to /v1/ requests. Each file is read and
 * checked here, so a bad one stops the process before it opens the database.
 */
export function tlsConfig(env: NodeJS.ProcessEnv): TlsConfig | undefined {
  const set = (name: string) => Boolean(env[name]);
  if (!set('TLS_CERT_FILE') && !set('TLS_KEY_FILE')) {
    for (const name of ['TLS_CLIENT_CA_FILE', 'TLS_REVOCATION_FILE']) {
      if (set(name))
        throw new ConfigError(`${name} is set; it needs TLS_CERT_FILE and TLS_KEY_FILE (HTTPS) too`);
    }
    return undefined;
  }
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE']) {
    if (!set(name))
      throw new ConfigError(`${name} is required with TLS_CERT_FILE/TLS_KEY_FILE (HTTPS needs both)`);
  }
  if (set('TLS_CLIENT_CA_FILE') !== set('TLS_REVOCATION_FILE')) {
    throw new ConfigError(
      'TLS_CLIENT_CA_FILE and TLS_REVOCATION_FILE go together: mutual TLS always applies the revocation list ' +
        "(the CA folder's revocations.json)",
    );
  }
  const cert = readTlsFile(env, 'TLS_CERT_FILE');
  const key = readTlsFile(env, 'TLS_KEY_FILE');
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(
      `TLS_CERT_FILE/TLS_KEY_FILE (${env.TLS_CERT_FILE}, ${env.TLS_KEY_FILE}) are not a PEM certificate and its ` +
        `private key (${(err as Error).message})`,
    );
  }
  if (!set('TLS_CLIENT_CA_FILE')) return { cert, key };
  const ca = readTlsFile(env, 'TLS_CLIENT_CA_FILE');
  try {
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    createSecureContext({ ca });
  } catch (err) {
    throw new ConfigError(
      `TLS_CLIENT_CA_FILE is ${JSON.stringify(env.TLS_CLIENT_CA_FILE)}; expected the PEM CA bundle from ` +
        `npm run pki -- bundle (${(err as Error).message})`,
    );
  }
  const revocationFile = tlsPath(env, 'TLS_REVOCATION_FILE');
  try {
    parseRevocationList(readTlsFile(env, 'TLS_REVOCATION_FILE'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `TLS_REVOCATION_FILE is ${JSON.stringify(env.TLS_REVOCATION_FILE)}: ${(err as Error).message}`,
    );
  }
  return { cert, key, clientAuth: { ca, caFile: tlsPath(env, 'TLS_CLIENT_CA_FILE'), revocationFile } };
}

/** DB_LOCK_TIMEOUT_MS: the wait for a row lock (PostgreSQL) and for a payment intent another request is changing. */
function lockTimeoutMs(env: NodeJS.ProcessEnv): number {
  return integer(env, 'DB_LOCK_TIMEOUT_MS', 5000, 50, 60000);
}

/** True when the platform configured a PostgreSQL server (libpq variables or DATABASE_URL). */
export function usesServerDatabase(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST);
}

export function postgresPoolConfig(env: NodeJS.ProcessEnv): Omit<PostgresConfig, 'kind'> {
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
    // Sent in each connection's startup message, so they cost no statement.
    statement_timeout: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    lock_timeout: lockTimeoutMs(env),
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
  const auth = databaseAuth(env, sslMode);
  const ownerRole = env.DATABASE_OWNER_ROLE || undefined;
  if (ownerRole !== undefined && !ROLE_NAME.test(ownerRole)) {
    throw new ConfigError(
      `DATABASE_OWNER_ROLE is ${JSON.stringify(ownerRole)}; expected a lower-case role name ` +
        '(letters, digits, underscore; at most 63 characters)',
    );
  }
  if (auth.mode === 'iam') {
    // The user name comes from the secret and the password is a token per connection.
    delete pool.user;
    delete pool.password;
  }
  const login = auth.mode === 'iam' ? ', IAM auth' : '';
  return {
    pool,
    auth,
    ...(ownerRole ? { ownerRole } : {}),
    description: `postgresql://${target} (ssl ${sslMode}${login})`,
  };
}

/** DATABASE_AUTH=iam: the RDS Proxy path (ADR 0011); it refuses every setting that would weaken it. */
function databaseAuth(env: NodeJS.ProcessEnv, sslMode: string): DatabaseAuth {
  const mode = oneOf(env, 'DATABASE_AUTH', AUTH_MODES, 'password');
  if (mode === 'password') return { mode };
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError(`${name} is required when DATABASE_AUTH is "iam"`);
    return value;
  };
  if (sslMode !== 'verify-full') {
    throw new ConfigError(
      `DATABASE_SSL is ${JSON.stringify(sslMode)}; DATABASE_AUTH=iam requires DATABASE_SSL=verify-full ` +
        '(the proxy requires TLS, and a token must only be sent to a verified host)',
    );
  }
  if (env.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL is set; with DATABASE_AUTH=iam use PGHOST, PGPORT and PGDATABASE');
  }
  for (const name of ['PGUSER', 'PGPASSWORD']) {
    if (env[name]) {
      throw new ConfigError(
        `${name} is set; with DATABASE_AUTH=iam the user name comes from DATABASE_SECRET_ARN and the ` +
          'password is an IAM token, so remove it',
      );
    }
  }
  const secretArn = required('DATABASE_SECRET_ARN');
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(secretArn)) {
    throw new ConfigError(
      `DATABASE_SECRET_ARN is ${JSON.stringify(secretArn)}; expected a Secrets Manager secret ARN`,
    );
  }
  return {
    mode: 'iam',
    secretArn,
    region: required('AWS_REGION'),
    hostname: required('PGHOST'),
    port: integer(env, 'PGPORT', 5432, 1, 65535),
  };
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

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['true', 'false'], String(fallback)) === 'true';
}

/** The webhook settings; the embedded default retries sooner and lets local (loopback, http) receivers in. */
export function webhookConfig(env: NodeJS.ProcessEnv, embedded: boolean): WebhookConfig {
  const raw = env.WEBHOOK_RETRY_SCHEDULE?.trim();
  let retrySchedule = embedded ? EMBEDDED_RETRY_SCHEDULE : DEFAULT_RETRY_SCHEDULE;
  if (raw) {
    const parsed = parseRetrySchedule(raw);
    if ('error' in parsed) {
      throw new ConfigError(
        `WEBHOOK_RETRY_SCHEDULE is ${JSON.stringify(raw)}; expected comma-separated waits in seconds such as ` +
          `"5,30,300" (${parsed.error})`,
      );
    }
    retrySchedule = parsed;
  }
  return {
    retrySchedule,
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    allowLoopbackHttp: flag(env, 'WEBHOOK_ALLOW_LOOPBACK_HTTP', embedded),
    deliveryIntervalMs: integer(env, 'WEBHOOK_DELIVERY_INTERVAL_MS', 1000, 50, 60_000),
  };
}

/** S3's general purpose bucket naming rule (3–63 characters, lower case, digits, dots and hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function documentsConfig(env: NodeJS.ProcessEnv, dataDir: string): Config['documents'] {
  const bucket = env.DOCUMENTS_BUCKET;
  if (bucket === undefined || bucket === '') return { kind: 'local', dir: join(dataDir, 'documents') };
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new ConfigError(
      `DOCUMENTS_BUCKET is ${JSON.stringify(bucket)}; expected an S3 bucket name (3 to 63 lower-case ` +
        'letters, digits, dots and hyphens, starting and ending with a letter or digit)',
    );
  }
  return { kind: 's3', bucket };
}

const METRICS_ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;

function metricsEnvironment(env: NodeJS.ProcessEnv): string {
  const value = env.METRICS_ENVIRONMENT || 'local';
  if (!METRICS_ENVIRONMENT.test(value)) {
    throw new ConfigError(
      `METRICS_ENVIRONMENT must be a lower-case name of letters, digits and '-' (at most 32), got '${value}'`,
    );
  }
  return value;
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
    metricsEnvironment: metricsEnvironment(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    idempotencyRetentionHours: integer(env, 'IDEMPOTENCY_RETENTION_HOURS', 24, 24, 24 * 30),
    idempotencyLeaseSeconds: integer(env, 'IDEMPOTENCY_LEASE_SECONDS', 10, 3, 3600),
    reaperIntervalSeconds: integer(env, 'IDEMPOTENCY_REAPER_INTERVAL_SECONDS', 600, 1, 86400),
    lockTimeoutMs: lockTimeoutMs(env),
    cvcTtlSeconds: integer(env, 'CVC_TTL_SECONDS', 600, 30, 3600),
    auditSealIntervalMs: integer(env, 'AUDIT_SEAL_INTERVAL_MS', 1000, 50, 60000),
    demoMerchant: demo === 'true' || (demo === 'auto' && !server),
    probeCorsOrigins: corsOrigins(env),
    tls: tlsConfig(env),
    settlement: {
      delayDays: integer(env, 'SETTLEMENT_DELAY_DAYS', 2, 0, 30),
      hourUtc: integer(env, 'SETTLEMENT_HOUR_UTC', 2, 0, 23),
    },
    documents: documentsConfig(env, dataDir),
    authFailures: {
      windowSeconds: integer(env, 'AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 3600),
      perSource: integer(env, 'AUTH_FAILURE_LIMIT_PER_SOURCE', 20, 1, 1_000_000),
      perKeyPrefix: integer(env, 'AUTH_FAILURE_LIMIT_PER_KEY_PREFIX', 10, 1, 1_000_000),
    },
    events: eventsConfig(env, !server),
    webhooks: webhookConfig(env, !server),
  };
}
