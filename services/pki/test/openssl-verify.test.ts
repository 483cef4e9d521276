import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiWorkspace, pki, type PkiWorkspace } from '../src/testing.js';

// The CLI never shells out to openssl; this test does, to prove its certificates are standard X.509 that
// OpenSSL (the library behind curl, nginx and Node's TLS) accepts for the purposes they are issued for.
const exec = promisify(execFile);
const PASSPHRASE = 'correct horse battery staple';
const MERCHANT = 'acct_0123456789abcdef';

let dir: PkiWorkspace;
const path = (relative: string) => dir.path(relative);

async function verify(...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await exec('openssl', ['verify', '-x509_strict', ...args]);
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  dir = createPkiWorkspace('tessera-pki-openssl-');
  const cwd = dir.dir;
  const env = { PKI_CA_PASSPHRASE: PASSPHRASE };
  await pki(['init', '--out', 'ca'], { cwd, env });
  await pki(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'clients'], {
    cwd,
    env,
  });
  await pki(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server'], { cwd, env });
  await pki(['bundle', '--ca', 'ca', '--out', 'truststore.pem'], { cwd });
  await pki(['init', '--out', 'rsa-ca', '--key-type', 'rsa-3072'], { cwd });
  await pki(
    [
      'issue',
      '--ca',
      'rsa-ca',
      '--name',
      'partner-b',
      '--merchant',
      MERCHANT,
      '--out',
      'clients',
      '--key-type',
      'rsa-2048',
    ],
    { cwd },
  );
  await pki(['init', '--out', 'other-ca'], { cwd });
  await pki(['bundle', '--ca', 'other-ca', '--out', 'other-truststore.pem'], { cwd });
});
afterAll(() => dir?.remove());

describe('openssl verify', () => {
  it('accepts the client certificate against the bundle for TLS client auth', async () => {
    const result = await verify(
      '-CAfile',
      path('truststore.pem'),
      '-purpose',
      'sslclient',
      path('clients/partner-a.pem'),
    );
    expect(result).toEqual({ ok: true, output: `${path('clients/partner-a.pem')}: OK\n` });
  });

  it('accepts the server certificate for TLS server auth and for localhost / 127.0.0.1', async () => {
    const server = path('server/localhost.pem');
    const bundle = path('truststore.pem');
    expect((await verify('-CAfile', bundle, '-purpose', 'sslserver', server)).ok).toBe(true);
    expect(
      (await verify('-CAfile', bundle, '-purpose', 'sslserver', '-verify_hostname', 'localhost', server)).ok,
    ).toBe(true);
    expect(
      (await verify('-CAfile', bundle, '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', server)).ok,
    ).toBe(true);
    expect(
      (await verify('-CAfile', bundle, '-purpose', 'sslserver', '-verify_hostname', 'example.com', server))
        .ok,
    ).toBe(false);
  });

  it('refuses each certificate for the other purpose', async () => {
    const bundle = path('truststore.pem');
    const asServer = await verify('-CAfile', bundle, '-purpose', 'sslserver', path('clients/partner-a.pem'));
    expect(asServer.ok).toBe(false);
    expect(asServer.output).toMatch(/unsuitable certificate purpose/);
    const asClient = await verify('-CAfile', bundle, '-purpose', 'sslclient', path('server/localhost.pem'));
    expect(asClient.ok).toBe(false);
    expect(asClient.output).toMatch(/unsuitable certificate purpose/);
  });

  it('refuses a client certificate against another CA', async () => {
    const result = await verify('-CAfile', path('other-truststore.pem'), path('clients/partner-a.pem'));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unable to get local issuer certificate/);
  });

  it('accepts RSA CAs and leaves too', async () => {
    const result = await verify(
      '-CAfile',
      path('rsa-ca/ca.pem'),
      '-purpose',
      'sslclient',
      path('clients/partner-b.pem'),
    );
    expect(result.ok).toBe(true);
  });

  it('reads the encrypted CA key with the passphrase (standard encrypted PKCS#8) and not without it', async () => {
    const key = path('ca/ca-key.pem');
    const { stdout } = await exec(
      'openssl',
      ['pkey', '-in', key, '-passin', 'env:PKI_CA_PASSPHRASE', '-noout', '-text'],
      {
        env: { ...process.env, PKI_CA_PASSPHRASE: PASSPHRASE },
      },
    );
    expect(stdout).toMatch(/NIST CURVE: P-256/);
    await expect(
      exec('openssl', ['pkey', '-in', key, '-passin', 'pass:wrong-passphrase', '-noout']),
    ).rejects.toThrow();
  });
});
