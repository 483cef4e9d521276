import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MeteredAcquirer, SandboxAcquirer, type Acquirer } from './acquirer/index.js';
import { FeeSchedules } from './app/fees.js';
import { IntentLocks } from './app/intent-locks.js';
import { completeUnfinished } from './app/recovery.js';
import { settlementTask } from './app/settlement-schedule.js';
import type { Deps } from './app/deps.js';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config, PostgresConfig, TlsConfig } from './config.js';
import { SecretsManagerDatabaseUser } from './db/current-database-user.js';
import type { Database } from './db/database.js';
import { RdsIamTokenProvider } from './db/iam-auth-token.js';
import { migrate } from './db/migrate.js';
import { PgliteDatabase } from './db/pglite.js';
import { PostgresDatabase } from './db/postgres.js';
import { RotatingUserLogin } from './db/rotating-user-login.js';
import { startEventStream, type EventStream } from './event-stream.js';
import type { DocumentStore } from './documents/document-store.js';
import { LocalDocumentStore } from './documents/local-document-store.js';
import { S3DocumentStore } from './documents/s3-document-store.js';
import { RevocationListFile } from './http/client-certificates.js';
import { buildServer } from './http/server.js';
import { BusinessMetrics } from './metrics/business-metrics.js';
import { Periodic } from './periodic.js';
import { deriveServiceKeys, loadServiceHmacKey } from './secrets.js';
import { reapKeys } from './store/idempotency-store.js';
import { reapExpiredCvcs } from './store/payment-method-store.js';
import { sealAudit } from './store/audit-store.js';
import { CardVault, createKeyEncryptionKey, loadFingerprintKey } from './vault/index.js';
import type { WebhookDispatcher } from './app/webhook-dispatcher.js';
import { createWebhookDispatcher } from './webhook-delivery.js';

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

/** Where settlement reports go: the documents bucket (AWS_REGION's S3) or `<dataDir>/documents/`. */
export function createDocumentStore(config: Config): DocumentStore {
  return config.documents.kind === 's3'
    ? new S3DocumentStore(new S3Client({}), config.documents.bucket)
    : new LocalDocumentStore(config.documents.dir);
}

export function describeDatabase(config: Config): string {
  return config.database.kind === 'postgres'
    ? config.database.description
    : `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`;
}

/** Builds the adapters around an open, migrated database; the acquirer is metered with `metrics`. */
export async function createDeps(
  config: Config,
  env: NodeJS.ProcessEnv,
  db: Database,
  metrics: BusinessMetrics,
  acquirer?: Acquirer,
): Promise<Deps> {
  const master = loadServiceHmacKey(env, config.dataDir, config.database.kind === 'pglite');
  const kek = await createKeyEncryptionKey(env, config.dataDir);
  const fingerprintKey = await loadFingerprintKey(env, config.dataDir);
  return {
    db,
    keys: deriveServiceKeys(master),
    vault: new CardVault({ kek, fingerprintKey }),
    acquirer: new MeteredAcquirer(acquirer ?? new SandboxAcquirer(), metrics),
    metrics,
    cvcTtlSeconds: config.cvcTtlSeconds,
    settlementDelayDays: config.settlement.delayDays,
    fees: new FeeSchedules(db),
    intentLocks: new IntentLocks(config.lockTimeoutMs),
    sealedCards: new Map(),
    webhookUrlPolicy: { allowLoopback: config.webhooks.allowLoopbackHttp },
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
  /** The relay, the queue and the worker of the event stream (ADR 0031). */
  readonly events: EventStream;
  /** The `webhooks` consumer of the event stream (ADR 0033); its due deliveries are sent on a timer. */
  readonly webhooks: WebhookDispatcher;
  /** Stops accepting, lets in-flight requests finish, stops the background tasks, closes the database. */
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
    const metrics = new BusinessMetrics(logger, config.metricsEnvironment);
    const deps = await createDeps(config, env, database, metrics);
    const applied = await migrateDatabase(config, database);
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
    // Before serving: a database restored from a backup may hold CVCs, all of them past their deadline.
    const expired = await reapExpiredCvcs(database);
    if (expired > 0) logger.info({ expired }, 'expired CVCs deleted');
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
    const reaper = new Periodic(
      async () => {
        const removed = await reapKeys(database, config.idempotencyRetentionHours);
        if (removed > 0) logger.info({ removed }, 'expired idempotency keys removed');
      },
      config.reaperIntervalSeconds * 1000,
      (err) => logger.warn({ err }, 'idempotency key reaper failed'),
    );
    const sealer = new Periodic(
      () => sealAudit(database),
      config.auditSealIntervalMs,
      (err) => logger.warn({ err }, 'audit sealing failed'),
    );
    const cvcReaper = new Periodic(
      () => reapExpiredCvcs(database),
      Math.min(60, config.cvcTtlSeconds / 2) * 1000,
      (err) => logger.warn({ err }, 'deleting expired CVCs failed'),
    );
    // Requests that may have reached the acquirer and were left unfinished are resumed once their lease ran out.
    const completer = new Periodic(
      async () => {
        const { completed, failed } = await completeUnfinished(deps, config.idempotencyLeaseSeconds);
        if (completed > 0) logger.info({ completed }, 'unfinished requests completed');
        if (failed > 0) logger.warn({ failed }, 'unfinished requests failed again; they are retried');
      },
      config.idempotencyLeaseSeconds * 1000,
      (err) => logger.warn({ err }, 'completing unfinished requests failed'),
    );
    // Webhook delivery (ADR 0033): a consumer of the event stream; a timer sends due deliveries and retries.
    const webhooks = createWebhookDispatcher(config.webhooks, deps, logger);
    const webhookTask = webhooks.task(config.webhooks.deliveryIntervalMs);
    const deliverer = new Periodic(
      () => webhookTask.run(),
      webhookTask.intervalMs,
      (err) => logger.warn({ err }, 'webhook delivery run failed'),
    );
    const events = startEventStream(deps, config.events, logger, [webhooks]);
    // Settlement (issue 13, ADR 0032): the daily run, safe on every instance at once.
    const settlement = settlementTask(
      { db: database, documents: createDocumentStore(config) },
      {
        hourUtc: config.settlement.hourUtc,
        onSettled: (s) =>
          s.settledNow &&
          logger.info({ merchantId: s.merchantId, date: s.date, report: s.report }, 'settled'),
      },
    );
    const settler = new Periodic(
      () => settlement.run(),
      settlement.intervalMs,
      (err) => logger.warn({ err }, 'settlement run failed; retried at the next tick'),
    );
    return {
      deps,
      app,
      events,
      webhooks,
      async close() {
        await app.close();
        await Promise.all([reaper.stop(), cvcReaper.stop(), completer.stop(), events.stop(), settler.stop()]);
        await deliverer.stop();
        await webhooks.idle();
        await sealer.stop(true); // seals what the runs above recorded too
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}
