import { describe, expect, it } from 'vitest';
import { LAMBDA_CA_BUNDLE, pgSslOption, resolveDatabaseTls } from '../../src/rotation/database-tls.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function reader(files: Record<string, string>): { read: (path: string) => string; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: (path) => {
      reads.push(path);
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return content;
    },
  };
}

describe('resolveDatabaseTls', () => {
  it('defaults to verify-full with Node’s trust store outside Lambda', () => {
    const files = reader({});
    expect(resolveDatabaseTls({}, files.read)).toEqual({ mode: 'verify-full' });
    expect(files.reads).toEqual([]);
  });

  it('inside Lambda trusts the runtime CA bundle (which holds the Amazon RDS roots) by default', () => {
    const files = reader({ [LAMBDA_CA_BUNDLE]: PEM });
    expect(resolveDatabaseTls({ AWS_LAMBDA_FUNCTION_NAME: 'rotation' }, files.read)).toEqual({
      mode: 'verify-full',
      ca: PEM,
    });
    expect(files.reads).toEqual(['/var/runtime/ca-cert.pem']);
  });

  it('DB_TLS_CA_FILE overrides the CA bundle', () => {
    const files = reader({ '/opt/rds/global-bundle.pem': PEM });
    const env = { AWS_LAMBDA_FUNCTION_NAME: 'rotation', DB_TLS_CA_FILE: '/opt/rds/global-bundle.pem' };
    expect(resolveDatabaseTls(env, files.read)).toEqual({ mode: 'verify-full', ca: PEM });
  });

  it('an unreadable or non-PEM CA file is a configuration error naming the variable and path', () => {
    expect(() => resolveDatabaseTls({ DB_TLS_CA_FILE: '/nope.pem' }, reader({}).read)).toThrow(
      'DB_TLS_CA_FILE: cannot read "/nope.pem": ENOENT',
    );
    expect(() =>
      resolveDatabaseTls({ DB_TLS_CA_FILE: '/x.pem' }, reader({ '/x.pem': 'hello' }).read),
    ).toThrow('DB_TLS_CA_FILE: "/x.pem" holds no PEM certificate');
  });

  it('DB_TLS=disable works only outside Lambda (local tests)', () => {
    expect(resolveDatabaseTls({ DB_TLS: 'disable' })).toEqual({ mode: 'disabled' });
    expect(() => resolveDatabaseTls({ DB_TLS: 'disable', AWS_LAMBDA_FUNCTION_NAME: 'rotation' })).toThrow(
      'DB_TLS: "disable" is a test-only setting and is refused inside Lambda',
    );
  });

  it('an unknown DB_TLS value names the value and what is allowed', () => {
    expect(() => resolveDatabaseTls({ DB_TLS: 'prefer' })).toThrow(
      'DB_TLS: got "prefer"; allowed: "verify-full" (default) or "disable" (tests only)',
    );
  });
});

describe('pgSslOption', () => {
  it('always verifies the server certificate when TLS is on', () => {
    expect(pgSslOption({ mode: 'verify-full' })).toEqual({ rejectUnauthorized: true });
    expect(pgSslOption({ mode: 'verify-full', ca: PEM })).toEqual({ rejectUnauthorized: true, ca: PEM });
    expect(pgSslOption({ mode: 'disabled' })).toBe(false);
  });
});
