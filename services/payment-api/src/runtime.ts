import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SandboxAcquirer, type Acquirer } from './acquirer/index.js';
import { CvcStore } from './app/cvc-store.js';
import type { Deps } from './app/deps.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config, PostgresConfig, TlsConfig } from './config.js';
import { SecretsManagerDatabaseUser } from './db/current-database-user.js';
import type { Database } from './db/database.js';
import { RdsIamTokenProvider } from './db/iam-auth-token.js';
import { migrate } from './db/migrate.js';
import { PgliteDatabase } from './db/pglite.js';
import { PostgresDatabase } from './db/postgres.js';
import { RotatingUserLogin } from './db/rotating-user-login.js';
import { RevocationListFile } from './http/client-certificates.js';
import { buildServer } from './http/server.js';
import { deriveServiceKeys, loadServiceHmacKey } from './secrets.js';
import { reapKeys } from './store/idempotency-store.js';
import { sealAudit } from './store/audit-store.js';
import { CardVault, createKeyEncryptionKey, loadFingerprintKey } from './vault/index.js';

export async function openDatabase(config: Config, logger?: Logger): Promise<Database> {
  return config.database.kind === 'postgres'
    ? openPostgres(config.database, logger)
    : PgliteDatabase.open(config.database.dataDir);
}

async function openPostgres(database: PostgresConfig, logger?: Logger): Promise<Database> {
  const { auth } = database;
  if (auth.mode === 'password') return new PostgresDatabase(database.pool);
  const login = await RotatingUserLogin.start(
    new SecretsManagerDatabaseUser(new SecretsManagerClient({ region: auth.region }), auth.secretArn),
    new RdsIamTokenProvider({ hostname: auth.hostname, port: auth.port, region: auth.region }),
    (previousUser, user) =>
      logger?.info({ previousUser, user }, 'database user changed by a secret rotation'),
  );
  logger?.info({ user: login.user }, 'database login with IAM tokens');
  return new PostgresDatabase(database.pool, login);
}

/** Applies pending migrations, as the owner role when one is configured. */
export function migrateDatabase(config: Config, database: Database): Promise<number[]> {
  const ownerRole = config.database.kind === 'postgres' ? config.database.ownerRole : undefined;
  return migrate(database, undefined, { ownerRole });
}

export function describeDatabase(config: Config): string {
  return config.database.kind === 'postgres'
    ? config.database.description
    : `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`;
}

/** Builds the adapters around an open, migrated database. */
export async function createDeps(
  config: Config,
  env: NodeJS.ProcessEnv,
  db: Database,
  acquirer?: Acquirer,
): Promise<Deps> {
  const master = loadServiceHmacKey(env, config.dataDir, config.database.kind === 'pglite');
  const kek = await createKeyEncryptionKey(env, config.dataDir);
  const fingerprintKey = await loadFingerprintKey(env, config.dataDir);
  return {
    db,
    keys: deriveServiceKeys(master),
    vault: new CardVault({ kek, fingerprintKey }),
    acquirer: acquirer ?? new SandboxAcquirer(),
    cvc: new CvcStore(),
    sealedCards: new Map(),
  };
}

/** HTTPS for the local mode; mutual TLS refuses a handshake without a certificate chaining to the CA bundle. */
function tlsServerOptions(tls: TlsConfig) {
  const base = { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' as const };
  if (!tls.clientAuth) return { https: base };
  return {
    https: { ...base, ca: tls.clientAuth.ca, requestCert: true, rejectUnauthorized: true },
    clientCertificateRevocations: new RevocationListFile(tls.clientAuth.revocationFile),
  };
}

export interface Runtime {
  readonly deps: Deps;
  readonly app: FastifyInstance;
  /** Stops accepting, lets in-flight requests finish, stops the reaper, closes the database. */
  close(): Promise<void>;
}

export async function startRuntime(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  db?: Database,
): Promise<Runtime> {
  const database = db ?? (await openDatabase(config, logger));
  try {
    // Keys first: a configuration error must stop the process before it touches the database.
    const deps = await createDeps(config, env, database);
    const applied = await migrateDatabase(config, database);
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
    const app = await buildServer({
      deps,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      idempotencyLeaseSeconds: config.idempotencyLeaseSeconds,
      trustProxy: env.TRUST_PROXY ? env.TRUST_PROXY === 'true' || env.TRUST_PROXY : false,
      probeCorsOrigins: config.probeCorsOrigins,
      authThrottle: {
        windowMs: config.authFailures.windowSeconds * 1000,
        perSource: config.authFailures.perSource,
        perKeyPrefix: config.authFailures.perKeyPrefix,
      },
      ...(config.tls ? tlsServerOptions(config.tls) : {}),
    });
    const reaper = setInterval(() => {
      reapKeys(database, config.idempotencyRetentionHours)
        .then((removed) => removed > 0 && logger.info({ removed }, 'expired idempotency keys removed'))
        .catch((err: unknown) => logger.warn({ err }, 'idempotency key reaper failed'));
    }, config.reaperIntervalSeconds * 1000);
    reaper.unref();
    const sealer = new AuditSealer(database, config.auditSealIntervalMs, logger);
    return {
      deps,
      app,
      async close() {
        clearInterval(reaper);
        await app.close();
        await sealer.stop();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Links queued audit records into their hash chains every `intervalMs`, never two runs at once. */
export class AuditSealer {
  private running: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    // Fire and forget: runOnce chains the runs and logs their failures itself, so nothing can reject here.
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  private runOnce(): Promise<unknown> {
    this.running = this.running.then(() =>
      sealAudit(this.db).catch((err: unknown) => this.logger.warn({ err }, 'audit sealing failed')),
    );
    return this.running;
  }

  /** Stops the timer and seals what is still queued. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.runOnce();
  }
}
