import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveRepositoryPath } from '../../../config/api.js';
import { ConfigError } from '../../../config/index.js';
import {
  validateRevocationList,
  validateTruststore,
} from '../../../lib/constructs/api/partner-pki-bucket.js';
import { TEST_REVOCATION_LIST, TEST_TRUSTSTORE, WITH_PARTNER_API } from '../../support/api.js';
import { synthEnvironment } from '../../support/synth.js';

const truststore = readFileSync(resolveRepositoryPath(TEST_TRUSTSTORE), 'utf8');
const revocations = readFileSync(resolveRepositoryPath(TEST_REVOCATION_LIST), 'utf8');

describe('what the PKI bucket accepts', () => {
  it('takes PEM CA certificates, and refuses a private key, nothing, or anything else in the file', () => {
    expect(validateTruststore(truststore)).toHaveLength(1);
    const key =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    expect(() => validateTruststore(truststore + key)).toThrow(/contains a private key/);
    expect(() => validateTruststore('')).toThrow(/found 0 certificate\(s\)/);
    expect(() => validateTruststore(`${truststore}\nsubject=CN=partner\n`)).toThrow(
      /found 1 certificate\(s\) and other content starting 'subject=CN=partner'/,
    );
  });

  it('takes only a revocation list the authorizer would accept', () => {
    expect(() => validateRevocationList(revocations)).not.toThrow();
    expect(() => validateRevocationList('{"format":"crl"}')).toThrow(/not one the authorizer accepts/);
    expect(() => validateRevocationList('not json')).toThrow(/not one the authorizer accepts/);
  });

  it('fails synth with the config field when a configured file is missing', () => {
    let error: unknown;
    try {
      synthEnvironment(
        'dev',
        { ...WITH_PARTNER_API, api: { ...WITH_PARTNER_API.api, revocationListFile: 'pki/ca/missing.json' } },
        { complianceGate: false },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /api\.revocationListFile: got "pki\/ca\/missing\.json"; does not exist/,
    );
  });
});
