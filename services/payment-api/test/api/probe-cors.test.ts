import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createDeps } from '../../src/runtime.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const STATUS_PAGE = 'https://status.example.com';
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cors-'));
let database: TestDatabase;
const servers: FastifyInstance[] = [];

async function server(db: Database, probeCorsOrigins?: '*' | readonly string[]): Promise<FastifyInstance> {
  const env = {
    SERVICE_HMAC_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    PGHOST: '127.0.0.1',
  };
  const app = await buildServer({
    deps: await createDeps(loadConfig(env), env, db),
    logger: createLogger('silent'),
    bodyLimitBytes: 64 * 1024,
    idempotencyLeaseSeconds: 60,
    probeCorsOrigins,
  });
  servers.push(app);
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase(2);
});

afterAll(async () => {
  for (const app of servers) await app.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('CORS on the probes', () => {
  it('by default lets any origin read /health and /ready, including a 503', async () => {
    const app = await server(database.db);
    for (const url of ['/health', '/ready']) {
      const res = await app.inject({ method: 'GET', url, headers: { origin: STATUS_PAGE } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
    const down = new PostgresDatabase({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
    const unready = await server(down);
    const res = await unready.inject({ method: 'GET', url: '/ready', headers: { origin: STATUS_PAGE } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    await down.close();
  });

  it('with CORS_ALLOWED_ORIGINS answers only the listed origins, and varies on Origin', async () => {
    const app = await server(database.db, [STATUS_PAGE]);
    const allowed = await app.inject({ method: 'GET', url: '/health', headers: { origin: STATUS_PAGE } });
    expect(allowed.headers['access-control-allow-origin']).toBe(STATUS_PAGE);
    expect(allowed.headers.vary).toMatch(/Origin/i);
    const other = await app.inject({
      method: 'GET',
      url: '/ready',
      headers: { origin: 'https://evil.example.net' },
    });
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds no CORS header to the API or the OpenAPI document', async () => {
    const app = await server(database.db);
    for (const url of ['/v1/balance', '/openapi.json', '/nope']) {
      const res = await app.inject({ method: 'GET', url, headers: { origin: STATUS_PAGE } });
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });
});
