import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPkiWorkspace, type PkiWorkspace } from '@tessera/pki/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsCall } from './tls-client.js';

// The README's local mutual-TLS walk-through end to end: `npm start` with the TLS_* variables on the
// embedded database, the demo merchant's key, and a client certificate bound to the demo merchant.
const serviceDir = fileURLToPath(new URL('../..', import.meta.url));
let pki: PkiWorkspace;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  pki = createPkiWorkspace('tessera-api-main-mtls-');
  await pki.run(['init', '--out', 'ca']);
  await pki.run(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server']);
  await pki.run(['bundle', '--ca', 'ca', '--out', 'truststore.pem']);
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  pki?.remove();
});

describe('npm start with TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE and TLS_REVOCATION_FILE', () => {
  it('serves HTTPS with client-certificate authentication and the certificate rule', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serviceDir,
      env: {
        ...process.env,
        PGHOST: '',
        DATABASE_URL: '',
        DATA_DIR: pki.path('data'),
        PORT: '0',
        HOST: '127.0.0.1',
        TLS_CERT_FILE: pki.path('server/localhost.pem'),
        TLS_KEY_FILE: pki.path('server/localhost-key.pem'),
        TLS_CLIENT_CA_FILE: pki.path('truststore.pem'),
        TLS_REVOCATION_FILE: pki.path('ca/revocations.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await expect
      .poll(() => output, { timeout: 90_000, interval: 200 })
      .toMatch(/test secret key: sk_test_\w+/);
    const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] as string;
    const merchant = /demo merchant: (acct_\w+)/.exec(output)?.[1] as string;
    const key = /test secret key: (sk_test_\w+)/.exec(output)?.[1] as string;
    expect(output).toContain(`mutual TLS: client certificates from ${pki.path('truststore.pem')}`);
    expect(output).toContain(
      `curl --cacert ${pki.path('truststore.pem')} --cert CLIENT.pem --key CLIENT-key.pem`,
    );

    await pki.run(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', merchant, '--out', 'clients']);
    const tls = {
      cert: pki.read('clients/partner-a.pem'),
      key: pki.read('clients/partner-a-key.pem'),
      ca: pki.read('ca/ca.pem'),
    };
    expect((await tlsCall(`${url}/v1/balance`, tls, { apiKey: key })).status).toBe(200);
    await expect(tlsCall(`${url}/v1/balance`, { ca: tls.ca }, { apiKey: key })).rejects.toThrow();

    await pki.run(['revoke', '--ca', 'ca', '--serial', pki.serial('clients/partner-a.pem')]);
    const revoked = await tlsCall(`${url}/v1/balance`, tls, { apiKey: key });
    expect(revoked.status).toBe(403);
    expect(revoked.json.error.code).toBe('client_certificate_revoked');
  }, 120_000); // spawns tsx and opens PGlite (WASM): generous on a loaded machine

  it('refuses to start with a TLS variable missing, naming it', async () => {
    const failed = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serviceDir,
      env: {
        ...process.env,
        PGHOST: '',
        DATABASE_URL: '',
        DATA_DIR: pki.path('data-2'),
        TLS_CERT_FILE: pki.path('server/localhost.pem'),
        TLS_KEY_FILE: pki.path('server/localhost-key.pem'),
        TLS_CLIENT_CA_FILE: pki.path('truststore.pem'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    failed.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => failed.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/configuration error: TLS_CLIENT_CA_FILE and TLS_REVOCATION_FILE go together/);
  }, 60_000);
});
