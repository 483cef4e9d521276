import { describe, expect, it } from 'vitest';
import { ConfigError, assertDeployable, defaultsFor, validateConfig } from '../../config/index.js';
import type { EnvironmentConfig } from '../../config/index.js';
import { rejected } from '../support/config.js';

const REAL_ACCOUNTS = { payment: '210987654321', analytics: '345678901234' };

function preflightIssues(change: (c: EnvironmentConfig) => void, envName = 'prod'): string {
  const config = defaultsFor(envName);
  config.accounts = { ...REAL_ACCOUNTS };
  change(config);
  try {
    assertDeployable(validateConfig(config));
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '';
}

describe('peering section (config/peering.ts)', () => {
  it('is on in staging and prod with 90-day flow logs and per-environment zone names, off in dev', () => {
    expect(defaultsFor('dev').peering.enabled).toBe(false);
    for (const env of ['staging', 'prod'] as const) {
      const { peering } = defaultsFor(env);
      expect(peering.enabled).toBe(true);
      expect(peering.flowLogs.expirationDays).toBe(90);
      expect(peering.zoneNames).toEqual({
        payment: `payment.${env}.internal`,
        analytics: `analytics.${env}.internal`,
      });
    }
  });

  it('follows the payment VPC NAT strategy per environment', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      const config = defaultsFor(env);
      expect(config.peering.natStrategy).toBe(config.network.natStrategy);
    }
  });

  it('refuses an analytics account equal to the payment account while peering is on', () => {
    const e = rejected((c) => (c.accounts = { payment: '210987654321', analytics: '210987654321' }), 'prod');
    expect(e.message).toContain('accounts.analytics: got "210987654321"; must differ from accounts.payment');
    const off = defaultsFor('dev');
    off.accounts = { payment: '210987654321', analytics: '210987654321' };
    expect(() => validateConfig(off)).not.toThrow();
  });

  it('refuses an analytics block smaller than /16 and one overlapping the payment VPC', () => {
    expect(rejected((c) => (c.network.vpcCidrs.analytics = '10.1.0.0/20'), 'prod').message).toContain(
      'network.vpcCidrs.analytics: got "10.1.0.0/20"; must be a /16 or larger when peering.enabled',
    );
    expect(rejected((c) => (c.network.vpcCidrs.analytics = '10.0.0.0/16'), 'prod').message).toContain(
      'must not overlap network.vpcCidrs.payment (10.0.0.0/16)',
    );
  });

  it('refuses equal or nested zone names', () => {
    const same = rejected((c) => (c.peering.zoneNames.analytics = 'payment.prod.internal'), 'prod');
    expect(same.message).toContain(
      'peering.zoneNames.analytics: got "payment.prod.internal"; must not equal or nest with peering.zoneNames.payment',
    );
    const nested = rejected((c) => (c.peering.zoneNames.analytics = 'bi.payment.prod.internal'), 'prod');
    expect(nested.message).toContain(
      'must not equal or nest with peering.zoneNames.payment (payment.prod.internal)',
    );
  });

  it('refuses a zone name that is not a DNS name, a bad NAT strategy and a bad role name', () => {
    expect(rejected((c) => (c.peering.zoneNames.payment = 'Payment_Zone'), 'prod').message).toContain(
      'peering.zoneNames.payment: got "Payment_Zone"; must be a lowercase DNS name',
    );
    expect(
      rejected((c) => ((c.peering as Record<string, unknown>).natStrategy = 'nat-box'), 'prod').message,
    ).toContain(
      'peering.natStrategy: got "nat-box"; must be one of gateway-per-az | single-gateway | instance',
    );
    expect(rejected((c) => (c.peering.readerUsername = 'Analytics'), 'prod').message).toContain(
      'peering.readerUsername: got "Analytics"; must be a lowercase PostgreSQL role name',
    );
  });

  it('refuses a read role named like the payment API user', () => {
    const e = rejected((c) => (c.peering.readerUsername = c.data.appUsername), 'prod');
    expect(e.message).toContain(
      'peering.readerUsername: got "payment_api"; must differ from data.appUsername',
    );
  });

  it('needs a pinned NAT AMI when the analytics VPC uses NAT instances', () => {
    const e = rejected((c) => {
      c.peering.natStrategy = 'instance';
      c.network.natInstance.amiIds = {};
    }, 'prod');
    expect(e.message).toContain(
      "peering.natStrategy 'instance' needs a pinned AMI for the primary region us-east-1",
    );
  });

  it('deploy preflight refuses the analytics placeholder account and a placeholder NAT image', () => {
    const placeholder = preflightIssues(
      (c) => (c.accounts = { ...REAL_ACCOUNTS, analytics: '222222222222' }),
    );
    expect(placeholder).toContain('accounts.analytics');
    expect(placeholder).toContain('is a placeholder');
    const ami = preflightIssues((c) => (c.peering.natStrategy = 'instance'));
    expect(ami).toContain('network.natInstance.amiIds.us-east-1');
    expect(ami).toContain('or use another peering.natStrategy');
    expect(preflightIssues(() => undefined)).not.toContain('peering');
  });
});
