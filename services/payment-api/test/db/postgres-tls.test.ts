import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PostgresDatabase } from '../../src/db/postgres.js';

/**
 * DATABASE_SSL=verify-full against a stand-in server that speaks PostgreSQL's SSLRequest handshake and then
 * TLS with a self-signed certificate for "localhost" (the local PostgreSQL runs without TLS).
 */
const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
const keyFile = join(dir, 'key.pem');
const certFile = join(dir, 'cert.pem');
let server: Server;
let port = 0;
const handshakes: string[] = [];

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyFile);
  const cert = readFileSync(certFile);
  server = createServer((socket: Socket) => {
    socket.once('data', () => {
      socket.write('S'); // "SSL accepted", as PostgreSQL answers an SSLRequest
      const tls = new TLSSocket(socket, { isServer: true, key, cert });
      tls.on('secure', () => {
        handshakes.push('ok');
        tls.destroy();
      });
      tls.on('error', () => tls.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** The error of a verify-full connection to the stand-in at `host`, trusting `caFile` when given. */
async function connectError(host: string, caFile?: string): Promise<string> {
  const config = loadConfig({
    PGUSER: 'tessera',
    PGDATABASE: 'tessera',
    PGHOST: host,
    PGPORT: String(port),
    DATABASE_SSL: 'verify-full',
    ...(caFile ? { DATABASE_SSL_CA: caFile } : {}),
  });
  if (config.database.kind !== 'postgres') throw new Error('expected a server database');
  const db = new PostgresDatabase({ ...config.database.pool, connectionTimeoutMillis: 5000 });
  try {
    await db.query('SELECT 1');
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await db.close();
  }
}

describe('DATABASE_SSL=verify-full', () => {
  it('refuses a certificate that does not chain to a trusted CA', async () => {
    const message = await connectError('localhost');
    expect(message).toMatch(/self[- ]signed certificate/i);
    expect(handshakes).toHaveLength(0);
  });

  it('refuses a trusted certificate issued for another host name', async () => {
    const message = await connectError('127.0.0.1', certFile);
    expect(message).toMatch(/Hostname\/IP does not match|altnames/i);
    expect(handshakes).toHaveLength(0);
  });

  it('completes the TLS handshake when the CA and the host name match', async () => {
    const message = await connectError('localhost', certFile);
    // The stand-in closes right after the handshake, so the PostgreSQL startup itself fails.
    expect(message).not.toMatch(/certificate|altnames/i);
    expect(handshakes).toEqual(['ok']);
  });
});
