import { writeFileSync } from 'node:fs';
import { createPkiWorkspace, type PkiWorkspace } from '@tessera/pki/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, tlsConfig } from '../../src/config.js';

let pki: PkiWorkspace;
let env: Record<string, string>;

beforeAll(async () => {
  pki = createPkiWorkspace('tessera-api-tls-config-');
  await pki.run(['init', '--out', 'ca']);
  await pki.run(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server']);
  await pki.run(['issue', '--ca', 'ca', '--name', 'other', '--out', 'server']);
  await pki.run(['bundle', '--ca', 'ca', '--out', 'truststore.pem']);
  writeFileSync(pki.path('bad-revocations.json'), '{"format":"tessera-revocation-list","version":1}');
  env = {
    TLS_CERT_FILE: pki.path('server/localhost.pem'),
    TLS_KEY_FILE: pki.path('server/localhost-key.pem'),
    TLS_CLIENT_CA_FILE: pki.path('truststore.pem'),
    TLS_REVOCATION_FILE: pki.path('ca/revocations.json'),
  };
});
afterAll(() => pki?.remove());

describe('TLS_* configuration', () => {
  it('is plain HTTP without TLS variables (the quick start and the container)', () => {
    expect(tlsConfig({})).toBeUndefined();
    expect(loadConfig({ DATA_DIR: pki.dir }).tls).toBeUndefined();
  });

  it('serves HTTPS with a certificate and key, and mutual TLS with the CA bundle and revocation list', () => {
    const https = tlsConfig({
      TLS_CERT_FILE: env.TLS_CERT_FILE as string,
      TLS_KEY_FILE: env.TLS_KEY_FILE as string,
    });
    expect(https).toEqual({
      cert: pki.read('server/localhost.pem'),
      key: pki.read('server/localhost-key.pem'),
    });
    expect(tlsConfig(env)?.clientAuth).toEqual({
      ca: pki.read('truststore.pem'),
      caFile: env.TLS_CLIENT_CA_FILE,
      revocationFile: env.TLS_REVOCATION_FILE,
    });
  });

  it('resolves relative paths from where npm was started (INIT_CWD)', () => {
    const relative = {
      INIT_CWD: pki.dir,
      TLS_CERT_FILE: 'server/localhost.pem',
      TLS_KEY_FILE: 'server/localhost-key.pem',
      TLS_CLIENT_CA_FILE: 'truststore.pem',
      TLS_REVOCATION_FILE: 'ca/revocations.json',
    };
    expect(tlsConfig(relative)?.clientAuth).toMatchObject({
      caFile: pki.path('truststore.pem'),
      revocationFile: pki.path('ca/revocations.json'),
    });
    expect(() => tlsConfig({ ...relative, TLS_CERT_FILE: 'missing.pem' })).toThrow(
      `TLS_CERT_FILE is "missing.pem" (${pki.path('missing.pem')}); the file cannot be read`,
    );
  });

  it.each([
    [{ TLS_CERT_FILE: undefined }, /TLS_CERT_FILE is required with TLS_CERT_FILE\/TLS_KEY_FILE/],
    [{ TLS_KEY_FILE: undefined }, /TLS_KEY_FILE is required/],
    [
      { TLS_CERT_FILE: undefined, TLS_KEY_FILE: undefined },
      /TLS_CLIENT_CA_FILE is set; it needs TLS_CERT_FILE and TLS_KEY_FILE/,
    ],
    [{ TLS_REVOCATION_FILE: undefined }, /TLS_CLIENT_CA_FILE and TLS_REVOCATION_FILE go together/],
    [{ TLS_CLIENT_CA_FILE: undefined }, /TLS_CLIENT_CA_FILE and TLS_REVOCATION_FILE go together/],
    [{ TLS_CERT_FILE: '/nonexistent.pem' }, /TLS_CERT_FILE is "\/nonexistent.pem"; the file cannot be read/],
    [
      { TLS_KEY_FILE: 'server/other-key.pem' },
      /are not a PEM certificate and its private key \(.*key values mismatch/,
    ],
    [
      { TLS_CLIENT_CA_FILE: 'ca/revocations.json' },
      /TLS_CLIENT_CA_FILE is ".*"; expected the PEM CA bundle from npm run pki -- bundle/,
    ],
    [
      { TLS_REVOCATION_FILE: 'bad-revocations.json' },
      /TLS_REVOCATION_FILE is ".*bad-revocations.json": serials must be an array/,
    ],
  ])('refuses %j', (override, message) => {
    const resolved = Object.fromEntries(
      Object.entries({ ...env, ...override })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, (v as string).startsWith('/') ? v : pki.path(v as string)]),
    );
    expect(() => tlsConfig(resolved)).toThrow(ConfigError);
    expect(() => tlsConfig(resolved)).toThrow(message);
  });
});
