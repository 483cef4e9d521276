import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadServiceHmacKey } from '../../src/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('SERVICE_HMAC_KEY: required on a server, generated once into a 0600 file for the embedded default', () => {
    expect(() => loadServiceHmacKey({}, dir, false)).toThrow(/SERVICE_HMAC_KEY is required/);
    expect(() => loadServiceHmacKey({ SERVICE_HMAC_KEY: 'c2hvcnQ=' }, dir, false)).toThrow(
      /at least 32 random bytes/,
    );
    const first = loadServiceHmacKey({}, dir, true);
    const second = loadServiceHmacKey({}, dir, true);
    expect(first.equals(second)).toBe(true);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'service-hmac.key')).mode & 0o777).toBe(0o600);
  });
});
