import { describe, expect, it } from 'vitest';
import { AuthorizerConfigError, authorizerConfig } from '../../src/client-certificate-authorizer/config.js';

const base = { REVOCATION_LIST_BUCKET: 'tessera-prod-pki', REVOCATION_LIST_KEY: 'revocations.json' };

describe('authorizerConfig', () => {
  it('reads the object location and defaults the list TTL to 60 s', () => {
    expect(authorizerConfig(base)).toEqual({
      bucket: 'tessera-prod-pki',
      key: 'revocations.json',
      ttlSeconds: 60,
    });
    expect(authorizerConfig({ ...base, REVOCATION_LIST_TTL_SECONDS: '0' }).ttlSeconds).toBe(0);
    expect(authorizerConfig({ ...base, REVOCATION_LIST_TTL_SECONDS: '900' }).ttlSeconds).toBe(900);
  });

  it.each([
    [{ REVOCATION_LIST_KEY: 'k' }, 'REVOCATION_LIST_BUCKET is required'],
    [{ REVOCATION_LIST_BUCKET: 'b' }, 'REVOCATION_LIST_KEY is required'],
    [
      { ...base, REVOCATION_LIST_TTL_SECONDS: '901' },
      'REVOCATION_LIST_TTL_SECONDS is "901"; expected an integer from 0 to 900',
    ],
    [{ ...base, REVOCATION_LIST_TTL_SECONDS: '1.5' }, 'REVOCATION_LIST_TTL_SECONDS is "1.5"'],
    [{ ...base, REVOCATION_LIST_TTL_SECONDS: '-1' }, 'REVOCATION_LIST_TTL_SECONDS is "-1"'],
  ])('refuses %j', (env, message) => {
    expect(() => authorizerConfig(env)).toThrow(AuthorizerConfigError);
    expect(() => authorizerConfig(env)).toThrow(message);
  });
});
