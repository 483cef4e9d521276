import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:tessera-app-user-AbCdEf';
const IAM_ENV = {
  DATABASE_AUTH: 'iam',
  DATABASE_SECRET_ARN: SECRET_ARN,
  AWS_REGION: 'eu-central-1',
  PGHOST: 'proxy.example.internal',
  PGPORT: '5432',
  PGDATABASE: 'tessera',
  DATABASE_SSL: 'verify-full',
};

function postgres(env: NodeJS.ProcessEnv) {
  const config = loadConfig(env);
  if (config.database.kind !== 'postgres') throw new Error('expected a server database');
  return config.database;
}
import { DEFAULT_RETRY_SCHEDULE } from '../src/domain/retry-schedule.js';

describe('configuration from the environment', () => {
  it('uses the embedded database without DATABASE_URL/PGHOST, and the server with them', () => {
    const embedded = loadConfig({ DATA_DIR: dir });
    expect(embedded.database).toEqual({ kind: 'pglite', dataDir: dir });
    expect(embedded.demoMerchant).toBe(true);
    expect(embedded.port).toBe(8080);
    const libpq = loadConfig({ PGHOST: 'db.internal', PGPORT: '5432', PGDATABASE: 'tessera', DATA_DIR: dir });
    expect(libpq.database.kind).toBe('postgres');
    expect(libpq.demoMerchant).toBe(false);
    expect(libpq.database.kind === 'postgres' && libpq.database.pool).toMatchObject({
      host: 'db.internal',
      port: 5432,
      database: 'tessera',
    });
    expect(libpq.database.kind === 'postgres' && libpq.database.pool.connectionString).toBeUndefined();
    expect(() => loadConfig({ PGHOST: 'h', PGPORT: 'x' })).toThrow(/PGPORT is "x"/);
    const url = loadConfig({ DATABASE_URL: 'postgresql://u:secret@h:6543/db' });
    expect(url.database.kind === 'postgres' && url.database.description).toBe(
      'postgresql://h:6543/db (ssl disable)',
    );
  });

  it('DATABASE_SSL=verify-full verifies the certificate, with an optional CA bundle', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const cfg = loadConfig({ PGHOST: 'h', DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: ca });
    expect(cfg.database.kind === 'postgres' && cfg.database.pool.ssl).toMatchObject({
      rejectUnauthorized: true,
      ca: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    const noCa = loadConfig({ PGHOST: 'h', DATABASE_SSL: 'verify-full' });
    expect(noCa.database.kind === 'postgres' && noCa.database.pool.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('sets statement and lock timeouts, a 10 s lease and a 10 min CVC lifetime by default', () => {
    const cfg = loadConfig({ PGHOST: 'h', DATA_DIR: dir });
    expect(cfg.database.kind === 'postgres' && cfg.database.pool).toMatchObject({
      statement_timeout: 15000,
      lock_timeout: 5000,
    });
    expect([cfg.lockTimeoutMs, cfg.idempotencyLeaseSeconds, cfg.cvcTtlSeconds]).toEqual([5000, 10, 600]);
    const tuned = loadConfig({
      PGHOST: 'h',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      DB_LOCK_TIMEOUT_MS: '250',
      IDEMPOTENCY_LEASE_SECONDS: '30',
      CVC_TTL_SECONDS: '120',
    });
    expect(tuned.database.kind === 'postgres' && tuned.database.pool).toMatchObject({
      statement_timeout: 2000,
      lock_timeout: 250,
    });
    expect([tuned.lockTimeoutMs, tuned.idempotencyLeaseSeconds, tuned.cvcTtlSeconds]).toEqual([250, 30, 120]);
    expect(() => loadConfig({ PGHOST: 'h', DB_LOCK_TIMEOUT_MS: '0' })).toThrow(
      /DB_LOCK_TIMEOUT_MS is "0"; expected an integer from 50 to 60000/,
    );
    expect(() => loadConfig({ PGHOST: 'h', DB_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(
      /DB_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ CVC_TTL_SECONDS: '7200' })).toThrow(
      /CVC_TTL_SECONDS is "7200"; expected an integer from 30 to 3600/,
    );
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '1' })).toThrow(/IDEMPOTENCY_LEASE_SECONDS/);
  });

  it('names the field, the value and what is allowed when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      /PORT is "eighty"; expected an integer from 0 to 65535/,
    );
    expect(() => loadConfig({ PGHOST: 'h', DATABASE_SSL: 'on' })).toThrow(
      /DATABASE_SSL is "on"; allowed values: disable, require, verify-full/,
    );
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '1' })).toThrow(
      /IDEMPOTENCY_RETENTION_HOURS is "1"; expected an integer from 24/,
    );
    expect(() =>
      loadConfig({ PGHOST: 'h', DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/nope.pem' }),
    ).toThrow(/DATABASE_SSL_CA/);
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://h/db?sslmode=require', DATABASE_SSL: 'verify-full' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ TESSERA_EMBEDDED_DB: 'forbid' })).toThrow(/set PGHOST/);
  });
});

describe('DATABASE_AUTH', () => {
  it('defaults to password authentication with the libpq variables', () => {
    const db = postgres({ PGHOST: 'h', PGUSER: 'u', PGPASSWORD: 'p' });
    expect(db.auth).toEqual({ mode: 'password' });
    expect(db.pool).toMatchObject({ user: 'u', password: 'p' });
  });

  it('iam: signs tokens for the proxy endpoint and keeps no user or password in the pool config', () => {
    const db = postgres(IAM_ENV);
    expect(db.auth).toEqual({
      mode: 'iam',
      secretArn: SECRET_ARN,
      region: 'eu-central-1',
      hostname: 'proxy.example.internal',
      port: 5432,
    });
    expect(db.pool.user).toBeUndefined();
    expect(db.pool.password).toBeUndefined();
    expect(db.pool.ssl).toEqual({ rejectUnauthorized: true });
    expect(db.description).toBe(
      'postgresql://proxy.example.internal:5432/tessera (ssl verify-full, IAM auth)',
    );
  });

  it('iam: refuses to start without verified TLS, naming DATABASE_SSL', () => {
    for (const ssl of [undefined, 'disable', 'require']) {
      expect(() => postgres({ ...IAM_ENV, DATABASE_SSL: ssl })).toThrow(
        /DATABASE_SSL is "(disable|require)"; DATABASE_AUTH=iam requires DATABASE_SSL=verify-full/,
      );
    }
  });

  it('iam: names each missing or conflicting variable', () => {
    for (const name of ['DATABASE_SECRET_ARN', 'AWS_REGION']) {
      expect(() => postgres({ ...IAM_ENV, [name]: undefined })).toThrow(
        new ConfigError(`${name} is required when DATABASE_AUTH is "iam"`),
      );
    }
    expect(() => postgres({ ...IAM_ENV, DATABASE_SECRET_ARN: 'tessera-app-user' })).toThrow(
      /DATABASE_SECRET_ARN is "tessera-app-user"; expected a Secrets Manager secret ARN/,
    );
    expect(() => postgres({ ...IAM_ENV, PGPASSWORD: 'x' })).toThrow(
      /PGPASSWORD is set; with DATABASE_AUTH=iam/,
    );
    expect(() => postgres({ ...IAM_ENV, PGUSER: 'payment_api' })).toThrow(/PGUSER is set/);
    expect(() => postgres({ ...IAM_ENV, DATABASE_URL: 'postgresql://h/db' })).toThrow(/DATABASE_URL is set/);
    expect(() => postgres({ ...IAM_ENV, DATABASE_AUTH: 'token' })).toThrow(
      /DATABASE_AUTH is "token"; allowed values: password, iam/,
    );
  });
});

describe('DATABASE_OWNER_ROLE', () => {
  it('is passed to the migrations when it is a plain role name', () => {
    expect(postgres({ ...IAM_ENV, DATABASE_OWNER_ROLE: 'payment_api' }).ownerRole).toBe('payment_api');
    expect(postgres(IAM_ENV).ownerRole).toBeUndefined();
  });

  it('refuses anything but a plain lower-case role name', () => {
    for (const bad of ['Payment_API', 'payment-api', 'x"; DROP TABLE y; --', 'a'.repeat(64)]) {
      expect(() => postgres({ PGHOST: 'h', DATABASE_OWNER_ROLE: bad })).toThrow(
        /DATABASE_OWNER_ROLE is ".*"; expected a lower-case role name/,
      );
    }
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('defaults to any origin for the probes and accepts a list of origins', () => {
    expect(loadConfig({ PGHOST: 'h' }).probeCorsOrigins).toBe('*');
    expect(loadConfig({ PGHOST: 'h', CORS_ALLOWED_ORIGINS: '*' }).probeCorsOrigins).toBe('*');
    expect(
      loadConfig({
        PGHOST: 'h',
        CORS_ALLOWED_ORIGINS: 'https://status.example.com, http://localhost:5173',
      }).probeCorsOrigins,
    ).toEqual(['https://status.example.com', 'http://localhost:5173']);
  });

  it('names the entry that is not an origin', () => {
    for (const bad of ['status.example.com', 'https://status.example.com/', 'ftp://x.example.com']) {
      expect(() => loadConfig({ PGHOST: 'h', CORS_ALLOWED_ORIGINS: bad })).toThrow(
        `CORS_ALLOWED_ORIGINS contains ${JSON.stringify(bad)}`,
      );
    }
  });
});

describe('AUTH_FAILURE_*', () => {
  it('defaults to 20 failures per source and 10 per key prefix in 60-second windows, and reads overrides', () => {
    expect(loadConfig({ PGHOST: 'h' }).authFailures).toEqual({
      windowSeconds: 60,
      perSource: 20,
      perKeyPrefix: 10,
    });
    expect(
      loadConfig({
        PGHOST: 'h',
        AUTH_FAILURE_WINDOW_SECONDS: '300',
        AUTH_FAILURE_LIMIT_PER_SOURCE: '100',
        AUTH_FAILURE_LIMIT_PER_KEY_PREFIX: '5',
      }).authFailures,
    ).toEqual({ windowSeconds: 300, perSource: 100, perKeyPrefix: 5 });
  });

  it('names the variable and the allowed range', () => {
    expect(() => loadConfig({ PGHOST: 'h', AUTH_FAILURE_WINDOW_SECONDS: '0' })).toThrow(
      'AUTH_FAILURE_WINDOW_SECONDS is "0"; expected an integer from 1 to 3600',
    );
    expect(() => loadConfig({ PGHOST: 'h', AUTH_FAILURE_LIMIT_PER_SOURCE: 'lots' })).toThrow(
      'AUTH_FAILURE_LIMIT_PER_SOURCE is "lots"; expected an integer from 1 to 1000000',
    );
  });
});

describe('WEBHOOK_*', () => {
  it('lets local receivers in and retries within 10 s on the embedded default, not with a server database', () => {
    const embedded = loadConfig({}).webhooks;
    expect(embedded).toMatchObject({ allowLoopbackHttp: true, timeoutMs: 10_000, deliveryIntervalMs: 1000 });
    expect(embedded.retrySchedule[0]).toBeLessThanOrEqual(10);
    const server = loadConfig({ PGHOST: 'db.internal' }).webhooks;
    expect(server.allowLoopbackHttp).toBe(false);
    expect(server.retrySchedule).toEqual(DEFAULT_RETRY_SCHEDULE);
    const overridden = loadConfig({
      PGHOST: 'db.internal',
      WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
      WEBHOOK_RETRY_SCHEDULE: '1, 2,3',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_DELIVERY_INTERVAL_MS: '200',
    }).webhooks;
    expect(overridden).toEqual({
      allowLoopbackHttp: true,
      retrySchedule: [1, 2, 3],
      timeoutMs: 2500,
      deliveryIntervalMs: 200,
    });
    expect(loadConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'false' }).webhooks.allowLoopbackHttp).toBe(false);
  });

  it('names the variable, the value and what is allowed', () => {
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '5,soon' })).toThrow(
      /WEBHOOK_RETRY_SCHEDULE is "5,soon"; expected comma-separated waits in seconds .*"soon"/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_LOOPBACK_HTTP is "yes"; allowed values: true, false/,
    );
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '10' })).toThrow(
      /WEBHOOK_TIMEOUT_MS is "10"; expected an integer from 100 to 60000/,
    );
    expect(() => loadConfig({ WEBHOOK_DELIVERY_INTERVAL_MS: '0' })).toThrow(
      /WEBHOOK_DELIVERY_INTERVAL_MS is "0"/,
    );
  });
});

describe('SETTLEMENT_* and DOCUMENTS_BUCKET', () => {
  it("defaults to Stripe's 2-day delay, a run from 02:00 UTC and reports under the data dir", () => {
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.settlement).toEqual({ delayDays: 2, hourUtc: 2 });
    expect(config.documents).toEqual({ kind: 'local', dir: join(dir, 'documents') });
    expect(
      loadConfig({
        DATA_DIR: dir,
        SETTLEMENT_DELAY_DAYS: '0',
        SETTLEMENT_HOUR_UTC: '23',
        DOCUMENTS_BUCKET: 'tessera-prod-documents-111111111111-us-east-1',
      }),
    ).toMatchObject({
      settlement: { delayDays: 0, hourUtc: 23 },
      documents: { kind: 's3', bucket: 'tessera-prod-documents-111111111111-us-east-1' },
    });
  });

  it('names the variable, the value and what is allowed', () => {
    expect(() => loadConfig({ DATA_DIR: dir, SETTLEMENT_DELAY_DAYS: '31' })).toThrow(
      'SETTLEMENT_DELAY_DAYS is "31"; expected an integer from 0 to 30',
    );
    expect(() => loadConfig({ DATA_DIR: dir, SETTLEMENT_HOUR_UTC: '24' })).toThrow(
      'SETTLEMENT_HOUR_UTC is "24"; expected an integer from 0 to 23',
    );
    expect(() => loadConfig({ DATA_DIR: dir, DOCUMENTS_BUCKET: 'Not_A_Bucket' })).toThrow(
      /DOCUMENTS_BUCKET is "Not_A_Bucket"; expected an S3 bucket name/,
    );
  });
});
