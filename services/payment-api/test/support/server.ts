import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Acquirer } from '../../src/acquirer/index.js';
import type { Deps } from '../../src/app/deps.js';
import { createMerchant } from '../../src/app/merchants.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { NO_FEES, type FeeSchedule } from '../../src/domain/fees.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/config.js';
import { BusinessMetrics } from '../../src/metrics/business-metrics.js';
import { createDeps } from '../../src/runtime.js';
import { updateFeeSchedule } from '../../src/store/merchant-store.js';
import { createTestDatabase } from './database.js';

export interface TestServerOptions {
  /**
   * The database to serve from; it is migrated here and left open by close().
   * @default a fresh PostgreSQL database of its own (tessera_api_<random>), dropped by close()
   */
  readonly db?: Database;
  /** Pool size of the server's own database. @default 10 */
  readonly poolMax?: number;
  /** Further pool settings of the server's own database, e.g. `lock_timeout`. @default none */
  readonly pool?: pg.PoolConfig;
  /** Serve from a database that refuses every connection (for /ready); no migrations, no merchant. */
  readonly databaseDown?: boolean;
  /** @default 64 KiB */
  readonly bodyLimitBytes?: number;
  /** @default 60 */
  readonly leaseSeconds?: number;
  /** @default '*' */
  readonly probeCorsOrigins?: '*' | readonly string[];
  /** Proxies trusted for X-Forwarded-For (tests vary the source IP with it). @default false */
  readonly trustProxy?: boolean;
  /** Limits of the failed-authentication throttle. @default the service's defaults */
  readonly authThrottle?: ServerOptions['authThrottle'];
  /** HTTPS / mutual TLS (the url then starts with https://). @default plain HTTP */
  readonly tls?: Pick<ServerOptions, 'https' | 'clientCertificateRevocations'>;
  /** The acquirer the server calls. @default a SandboxAcquirer of its own */
  readonly acquirer?: Acquirer;
  /** Wraps the database the server (not the test) uses, e.g. to inject failures. @default none */
  readonly wrapDb?: (db: Database) => Database;
  /** Further configuration variables (e.g. DB_LOCK_TIMEOUT_MS). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The processing fee schedule of the merchants the server's newMerchant creates: 'stripe' keeps the
   * service's default (Stripe's 2.9 % + 30¢). @default no fees, so the ledger tests count gross amounts
   */
  readonly fees?: FeeSchedule | 'stripe';
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** The first merchant's secret key ('' with databaseDown). */
  readonly key: string;
  /** The first merchant ('' with databaseDown). */
  readonly merchantId: string;
  readonly db: Database;
  readonly deps: Deps;
  readonly app: FastifyInstance;
  /** Every log line the server wrote. */
  readonly logs: string[];
  newMerchant(name?: string): Promise<{ key: string; merchantId: string }>;
  close(): Promise<void>;
}

/**
 * Starts the real HTTP server on an ephemeral port of 127.0.0.1, as `startRuntime` builds it, with a first
 * merchant and its secret key. Every API test starts its server here.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const own = opts.db || opts.databaseDown ? null : await createTestDatabase(opts.poolMax, opts.pool);
  const db =
    opts.db ?? own?.db ?? new PostgresDatabase({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
  if (!opts.databaseDown) await migrate(db);
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-api-test-'));
  const env = {
    SERVICE_HMAC_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    PGHOST: '127.0.0.1',
    ...opts.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const metrics = new BusinessMetrics(logger, config.metricsEnvironment);
  const deps = await createDeps(config, env, opts.wrapDb ? opts.wrapDb(db) : db, metrics, opts.acquirer);
  const app = await buildServer({
    deps,
    logger,
    bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024,
    idempotencyLeaseSeconds: opts.leaseSeconds ?? 60,
    probeCorsOrigins: opts.probeCorsOrigins,
    ...(opts.authThrottle ? { authThrottle: opts.authThrottle } : {}),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
    ...opts.tls,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const newMerchant = async (name = 'Test merchant') => {
    const { merchant, key } = await createMerchant(db, deps.keys, name, 'test');
    // written directly (no audit record, which the audit tests would count); nothing has cached it yet
    if (opts.fees !== 'stripe') await updateFeeSchedule(db, merchant.id, opts.fees ?? NO_FEES);
    return { key: key.secret, merchantId: merchant.id };
  };
  const first = opts.databaseDown ? { key: '', merchantId: '' } : await newMerchant();
  return {
    url: `${opts.tls?.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    key: first.key,
    merchantId: first.merchantId,
    db,
    deps,
    app,
    logs,
    newMerchant,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (own) await own.drop();
      else if (opts.databaseDown) await db.close();
    },
  };
}

export interface Call {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies of every shape field by field
  readonly json: any;
}

/** Form-encodes nested params like Stripe clients do (metadata[order]=1). */
export function form(params: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') parts.push(form(v as Record<string, unknown>, name));
    else if (v !== undefined) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(v))}`);
  }
  return parts.filter((p) => p !== '').join('&');
}

export async function call(
  server: { url: string; key: string },
  method: string,
  path: string,
  opts: {
    form?: Record<string, unknown>;
    json?: unknown;
    raw?: string;
    contentType?: string;
    key?: string | null;
    idempotencyKey?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? server.key : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.form) {
    body = form(opts.form);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  } else if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/x-www-form-urlencoded';
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, headers: res.headers, json };
}

export const CARDS = {
  visa: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
} as const;

export async function createCard(
  server: { url: string; key: string },
  number: string = CARDS.visa,
  key?: string,
) {
  const res = await call(server, 'POST', '/v1/payment_methods', {
    key,
    form: {
      type: 'card',
      card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' },
    },
  });
  if (res.status !== 200) throw new Error(`card creation failed: ${res.text}`);
  return res.json.id as string;
}
