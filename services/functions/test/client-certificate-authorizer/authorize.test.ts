import { parseRevocationList, type RevocationList } from '@tessera/pki';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../src/client-certificate-authorizer/authorize.js';
import type { AuthorizerLogFields } from '../../src/client-certificate-authorizer/log.js';
import { RevocationListCache } from '../../src/client-certificate-authorizer/revocation-list-cache.js';
import type { PkiWorkspace } from '@tessera/pki/testing';
import { MERCHANT, createTestPki } from '../support/test-certificates.js';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/POST/v1/payment_intents';
const STAGE = 'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/*';

let pki: PkiWorkspace;
beforeAll(async () => {
  pki = await createTestPki();
  await pki.run(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'clients']);
  await pki.run(['issue', '--ca', 'ca', '--name', 'partner-b', '--merchant', MERCHANT, '--out', 'clients']);
  await pki.run(['issue', '--ca', 'ca', '--name', 'unbound', '--out', 'clients']);
  await pki.run(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server']);
  const lastYear = new Date(Date.now() - 400 * 86_400_000);
  await pki.run(
    ['issue', '--ca', 'ca', '--name', 'old', '--merchant', MERCHANT, '--out', 'clients', '--days', '30'],
    { now: lastYear },
  );
});
afterAll(() => pki?.remove());

/** The REQUEST authorizer event API Gateway sends for a mutual-TLS custom domain (fields the rule does not read trimmed). */
function event(pemPath: string) {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/v1/payment_intents',
    path: '/v1/payment_intents',
    httpMethod: 'POST',
    headers: { authorization: 'Bearer sk_test_x' },
    requestContext: {
      identity: {
        sourceIp: '203.0.113.7',
        clientCert: {
          clientCertPem: pki.read(pemPath),
          subjectDN: 'CN=partner-a',
          issuerDN: 'CN=Tessera Partner CA',
          serialNumber: pki.serial(pemPath),
          validity: { notBefore: 'Dec  1 10:00:00 2026 GMT', notAfter: 'Dec  1 10:00:00 2027 GMT' },
        },
      },
    },
  };
}

let list: RevocationList;
let logs: { level: string; message: string; fields?: AuthorizerLogFields }[];
const authorize = createAuthorizer({
  revocations: new RevocationListCache({ location: 'memory', load: async () => list }, 0),
  now: () => new Date(),
  log: (level, message, fields) => logs.push({ level, message, fields }),
});

beforeEach(() => {
  list = parseRevocationList(pki.read('ca/revocations.json'));
  logs = [];
});

const effect = (result: Awaited<ReturnType<typeof authorize>>) => result.policyDocument.Statement[0];

describe('client certificate authorizer', () => {
  it('allows every method of the stage with the certificate merchant, serial and subject in the context', async () => {
    const result = await authorize(event('clients/partner-a.pem'));
    const serial = pki.serial('clients/partner-a.pem');
    expect(result).toEqual({
      principalId: `certificate:${serial}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE }],
      },
      context: { merchantId: MERCHANT, certificateSerial: serial, certificateSubject: 'CN=partner-a' },
    });
    expect(logs).toEqual([
      {
        level: 'info',
        message: 'allowed',
        fields: { serial, subject: 'CN=partner-a', merchantId: MERCHANT },
      },
    ]);
  });

  it('denies a revoked serial, and only that certificate', async () => {
    await pki.run(['revoke', '--ca', 'ca', '--serial', pki.serial('clients/partner-a.pem')]);
    list = parseRevocationList(pki.read('ca/revocations.json'));
    const result = await authorize(event('clients/partner-a.pem'));
    expect(effect(result)).toEqual({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: STAGE });
    expect(result.context).toEqual({ denyReason: 'revoked_serial' });
    expect(effect(await authorize(event('clients/partner-b.pem')))?.Effect).toBe('Allow');
  });

  it('denies a revoked subject', async () => {
    list = { ...list, subjects: [{ subject: 'CN=partner-b', revokedAt: new Date().toISOString() }] };
    const result = await authorize(event('clients/partner-b.pem'));
    expect(effect(result)?.Effect).toBe('Deny');
    expect(result.context).toEqual({ denyReason: 'revoked_subject' });
  });

  it('denies a certificate bound to no merchant', async () => {
    const result = await authorize(event('clients/unbound.pem'));
    expect(effect(result)?.Effect).toBe('Deny');
    expect(result.context).toEqual({ denyReason: 'no_merchant_binding' });
  });

  it('denies an expired certificate', async () => {
    const result = await authorize(event('clients/old.pem'));
    expect(effect(result)?.Effect).toBe('Deny');
    expect(result.context).toEqual({ denyReason: 'expired' });
  });

  it('denies a server certificate presented as a client certificate', async () => {
    expect((await authorize(event('server/localhost.pem'))).context).toEqual({
      denyReason: 'not_for_client_auth',
    });
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an empty object', {}],
    [
      'no clientCert (the execute-api endpoint, without mTLS)',
      { methodArn: METHOD_ARN, requestContext: { identity: { clientCert: null } } },
    ],
    ['no identity', { methodArn: METHOD_ARN, requestContext: {} }],
    [
      'a PEM that is not a certificate',
      { methodArn: METHOD_ARN, requestContext: { identity: { clientCert: { clientCertPem: 'garbage' } } } },
    ],
    [
      'a methodArn that is not execute-api',
      { methodArn: 'arn:aws:s3:::bucket', requestContext: { identity: { clientCert: {} } } },
    ],
  ])('denies a malformed event (%s) without throwing', async (_what, malformed) => {
    const result = await authorize(malformed);
    expect(effect(result)?.Effect).toBe('Deny');
    expect(['malformed_event', 'malformed_certificate']).toContain(result.context?.denyReason);
    expect(logs[0]?.level).toBe('warn');
  });

  it('fails (rejects, so API Gateway answers 500 and caches nothing) when the revocation list is unavailable', async () => {
    const failing = createAuthorizer({
      revocations: { get: () => Promise.reject(new Error('cannot read s3://b/k (NoSuchKey: gone)')) },
      now: () => new Date(),
      log: () => undefined,
    });
    await expect(failing(event('clients/partner-a.pem'))).rejects.toThrow(/NoSuchKey/);
  });
});
