import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiPreflight, readConfiguredFile, resolveRepositoryPath } from '../../config/api.js';
import {
  ConfigError,
  assertDeployable,
  defaultsFor,
  loadConfig,
  validateConfig,
} from '../../config/index.js';
import { PLACEHOLDER_CERTIFICATE_ARN } from '../../config/placeholders.js';
import { SEVEN_YEARS_DAYS, pemCertificates } from '../../config/primitives.js';
import { TEST_REVOCATION_LIST, TEST_TRUSTSTORE, enablePartnerApi } from '../support/api.js';
import { MONITORED_ALERT_EMAILS, MONITORED_ESCALATION_EMAILS, context, rejected } from '../support/config.js';

const IMPORTED = 'arn:aws:acm:us-east-1:123456789013:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
const OWNERSHIP = 'arn:aws:acm:us-east-1:123456789013:certificate/2c3d4e5f-6071-4829-9a0b-1c2d3e4f5a6b';

const scratch = mkdtempSync(join(tmpdir(), 'tessera-api-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An operator's own truststore and revocation list, outside the repository. */
function operatorFiles(truststore = readFileSync(resolveRepositoryPath(TEST_TRUSTSTORE), 'utf8')) {
  const other = truststore.replace(/-----BEGIN[\s\S]*END CERTIFICATE-----\n/, OPERATOR_CA);
  const truststoreFile = join(scratch, `truststore-${Math.random().toString(36).slice(2)}.pem`);
  const revocationListFile = join(scratch, 'revocations.json');
  writeFileSync(truststoreFile, other);
  writeFileSync(revocationListFile, readFileSync(resolveRepositoryPath(TEST_REVOCATION_LIST)));
  return { truststoreFile, revocationListFile };
}

// Any PEM certificate other than the test CA's: the preflight compares certificates, it does not parse them.
const OPERATOR_CA = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIRAOperatorOwnCaForThePreflightTestOnlyAAAAAAAA
-----END CERTIFICATE-----
`;

function deployable(envName: 'dev' | 'staging' | 'prod' = 'prod') {
  const c = enablePartnerApi(defaultsFor(envName));
  c.accounts = { payment: '123456789013', analytics: '210987654321' };
  c.alertEmails = { ...MONITORED_ALERT_EMAILS };
  c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
  c.network.natStrategy = 'single-gateway';
  return c;
}

describe('api section (config/api.ts)', () => {
  it('is off in every shipped environment: no truststore is configured yet', () => {
    for (const envName of ['dev', 'staging', 'prod'] as const) {
      const { api } = defaultsFor(envName);
      expect(api.enabled).toBe(false);
      expect(api.truststoreFile).toBeUndefined();
      expect(api.securityPolicy).toBe('TLS_1_2');
      expect(api.authorizer.resultsCacheTtlSeconds).toBe(0);
    }
  });

  it('keeps the partner API logs seven years in prod and throttles each environment', () => {
    expect(defaultsFor('prod').api.logRetentionDays).toBe(SEVEN_YEARS_DAYS);
    expect(defaultsFor('dev').api.throttling).toEqual({ rateLimit: 50, burstLimit: 100 });
    expect(defaultsFor('prod').api.throttling).toEqual({ rateLimit: 500, burstLimit: 1000 });
  });

  it('accepts an enabled API with a zone, a name inside it and the PKI files', () => {
    expect(() => validateConfig(enablePartnerApi(defaultsFor('staging')))).not.toThrow();
  });

  it('can be switched on with -c flags, optional keys included', () => {
    const c = loadConfig({
      envName: 'dev',
      getContext: context({
        'api.enabled': 'true',
        'api.domainName': 'partner.pay.example.com',
        'api.hostedZone.id': 'Z0123456789ABC',
        'api.hostedZone.name': 'pay.example.com',
        'api.truststoreFile': TEST_TRUSTSTORE,
        'api.revocationListFile': TEST_REVOCATION_LIST,
        'app.tls.hostedZone.id': 'Z0123456789ABC',
        'app.tls.hostedZone.name': 'pay.example.com',
        'app.tls.domainName': 'api.pay.example.com',
      }),
    });
    expect(c.api).toMatchObject({ enabled: true, domainName: 'partner.pay.example.com' });
  });

  it('names every missing piece of an enabled API', () => {
    const e = rejected((c) => (c.api.enabled = true));
    for (const expected of [
      'api.domainName: is missing; is required when api.enabled is true',
      'api.certificateArn: is missing; or api.hostedZone is required',
      'api.truststoreFile: is missing; is required: write it with npm run pki -- bundle',
      "api.revocationListFile: is missing; is required: the CA folder's revocations.json",
      'app.tls.domainName: is missing; is required when api.enabled is true: API Gateway reaches the load balancer over HTTPS',
    ]) {
      expect(e.message).toContain(expected);
    }
  });

  it('refuses an enhanced security policy, which API Gateway does not allow with mutual TLS', () => {
    const e = rejected((c) => ((c.api as { securityPolicy: string }).securityPolicy = 'TLS13_1_3_2025_09'));
    expect(e.message).toMatch(
      /api\.securityPolicy: got "TLS13_1_3_2025_09"; must be one of TLS_1_2: API Gateway refuses mutual TLS/,
    );
  });

  it('refuses a name outside its zone, the load balancer name, and certificates of another region', () => {
    const e = rejected((c) => {
      enablePartnerApi(c);
      c.api.domainName = 'partner.other.example.com';
      c.api.certificateArn = IMPORTED.replace('us-east-1', 'eu-west-1');
    });
    expect(e.message).toContain(
      'api.domainName: got "partner.other.example.com"; must be inside the hosted zone',
    );
    expect(e.message).toMatch(/api\.certificateArn: .*must be a certificate in the primary region us-east-1/);
    const same = rejected((c) => {
      enablePartnerApi(c);
      c.api.domainName = c.app.tls.domainName;
    });
    expect(same.message).toContain(
      "must differ from app.tls.domainName (api.pay.example.com), the load balancer's name",
    );
  });

  it('takes an ownership verification certificate only with an imported certificate', () => {
    const e = rejected((c) => {
      enablePartnerApi(c);
      c.api.ownershipVerificationCertificateArn = OWNERSHIP;
    });
    expect(e.message).toContain('api.ownershipVerificationCertificateArn: got');
    expect(e.message).toContain('only applies with api.certificateArn');
    const c = enablePartnerApi(defaultsFor('dev'));
    c.api.certificateArn = IMPORTED;
    c.api.ownershipVerificationCertificateArn = OWNERSHIP;
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('sizes the reserved authorizer concurrency for the stage rate when results are not cached', () => {
    const e = rejected((c) => {
      enablePartnerApi(c);
      c.api.throttling.rateLimit = 400;
    });
    expect(e.message).toMatch(
      /api\.authorizer\.reservedConcurrency: got 5; must be at least 40: without result caching/,
    );
  });

  it('bounds throttling, cache and list TTLs to what API Gateway and the authorizer accept', () => {
    const e = rejected((c) => {
      c.api.throttling = { rateLimit: 20_000, burstLimit: 0 };
      c.api.authorizer.resultsCacheTtlSeconds = 3601;
      c.api.authorizer.revocationListTtlSeconds = 901;
    });
    expect(e.message).toContain(
      "api.throttling.rateLimit: got 20000; must be at most 10000 (the account's default",
    );
    expect(e.message).toContain('api.throttling.burstLimit: got 0; must be at least 1 request');
    expect(e.message).toContain(
      'api.authorizer.resultsCacheTtlSeconds: got 3601; must be between 0 and 3600 seconds',
    );
    expect(e.message).toContain(
      'api.authorizer.revocationListTtlSeconds: got 901; must be between 0 and 900 seconds',
    );
  });
});

describe('api deploy preflight', () => {
  it('checks nothing while the API is off', () => {
    expect(apiPreflight(defaultsFor('prod'))).toEqual([]);
  });

  it('refuses the infra test CA files, by path and by content', () => {
    expect(() => assertDeployable(deployable())).toThrow(
      /api\.truststoreFile: got "infra\/test\/support\/partner-ca\/truststore\.pem"; is a test fixture[\s\S]*api\.revocationListFile: .*is a test fixture/,
    );
    const copied = deployable();
    Object.assign(copied.api, operatorFiles());
    writeFileSync(copied.api.truststoreFile!, readFileSync(resolveRepositoryPath(TEST_TRUSTSTORE)));
    expect(() => assertDeployable(copied)).toThrow(/api\.truststoreFile: .*contains the infra test CA/);
    // The second test CA (the rotation bundle's) is refused as well.
    const second = readFileSync(
      resolveRepositoryPath('infra/test/support/partner-ca/truststore-rotation.pem'),
      'utf8',
    );
    writeFileSync(
      copied.api.truststoreFile!,
      `${OPERATOR_CA}${second.slice(second.lastIndexOf('-----BEGIN'))}`,
    );
    expect(() => assertDeployable(copied)).toThrow(/api\.truststoreFile: .*contains the infra test CA/);
  });

  it("accepts the operator's own files, and refuses an example or foreign certificate", () => {
    const c = deployable();
    Object.assign(c.api, operatorFiles());
    expect(() => assertDeployable(c)).not.toThrow();
    c.api.certificateArn = PLACEHOLDER_CERTIFICATE_ARN;
    c.api.ownershipVerificationCertificateArn = IMPORTED.replace('123456789013', '999999999990');
    expect(() => assertDeployable(c)).toThrow(
      /api\.certificateArn: .*is the example certificate[\s\S]*api\.ownershipVerificationCertificateArn: .*must belong to the payment account 123456789013/,
    );
  });
});

describe('configured PKI files', () => {
  it('resolve from the repository root and fail with the field and the path they looked at', () => {
    expect(readConfiguredFile('api.truststoreFile', TEST_TRUSTSTORE)).toContain('BEGIN CERTIFICATE');
    let error: unknown;
    try {
      readConfiguredFile('api.truststoreFile', 'pki/nowhere.pem');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /api\.truststoreFile: got "pki\/nowhere\.pem"; does not exist \(looked at \/.*\/pki\/nowhere\.pem\)/,
    );
  });

  it('compare certificates whatever their line breaks', () => {
    const pem = readFileSync(resolveRepositoryPath(TEST_TRUSTSTORE), 'utf8');
    const rewrapped = pem.replace(/\n(?!-----)/g, '\r\n');
    expect(pemCertificates(rewrapped)).toEqual(pemCertificates(pem));
    expect(pemCertificates(pem)).toHaveLength(1);
  });
});
