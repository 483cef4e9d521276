import { describe, expect, it } from 'vitest';
import {
  CLOUDWATCH_RETENTION_DAYS,
  ConfigError,
  type EnvironmentConfig,
  defaultsFor,
  validateConfig,
} from '../../config/index.js';

function invalid(change: (c: EnvironmentConfig) => void, envName = 'dev'): ConfigError {
  const config = defaultsFor(envName) as EnvironmentConfig & Record<string, unknown>;
  change(config);
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('environment defaults', () => {
  it.each(['dev', 'staging', 'prod'])('%s is valid', (env) => {
    expect(() => validateConfig(defaultsFor(env))).not.toThrow();
  });

  it('dev runs 2 AZs behind NAT instances and can be destroyed', () => {
    const c = defaultsFor('dev');
    expect([c.azCount, c.natStrategy, c.removalPolicy]).toEqual([2, 'instance', 'destroy']);
  });

  it('staging runs 3 AZs behind a single NAT gateway', () => {
    const c = defaultsFor('staging');
    expect([c.azCount, c.natStrategy]).toEqual([3, 'single-gateway']);
  });

  it('prod runs 3 AZs with a NAT gateway per AZ and retains everything', () => {
    const c = defaultsFor('prod');
    expect([c.azCount, c.natStrategy, c.removalPolicy]).toEqual([3, 'gateway-per-az', 'retain']);
  });

  it('uses the seed CIDRs for the payment and analytics VPCs', () => {
    expect(defaultsFor('prod').vpcCidrs).toEqual({ payment: '10.0.0.0/16', analytics: '10.1.0.0/16' });
  });

  it('rejects an unknown environment name, naming the allowed ones', () => {
    expect(() => defaultsFor('qa')).toThrow(/env: got "qa"; must be one of dev \| staging \| prod/);
  });
});

describe('validation rules (each message names field, value and what is allowed)', () => {
  it('rejects overlapping VPC CIDRs', () => {
    const e = invalid((c) => (c.vpcCidrs.analytics = '10.0.128.0/17'));
    expect(e.message).toContain(
      'vpcCidrs.analytics: got "10.0.128.0/17"; must not overlap vpcCidrs.payment (10.0.0.0/16)',
    );
  });

  it('accepts adjacent, non-overlapping CIDRs', () => {
    const c = defaultsFor('dev');
    c.vpcCidrs.analytics = '10.1.0.0/16';
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('rejects a malformed CIDR', () => {
    const e = invalid((c) => (c.vpcCidrs.payment = '10.0.0.0/33'));
    expect(e.message).toMatch(/vpcCidrs\.payment: got "10\.0\.0\.0\/33"; must be an IPv4 CIDR block/);
  });

  it('rejects a payment VPC smaller than /16 (the subnet layout needs it)', () => {
    const e = invalid((c) => (c.vpcCidrs.payment = '10.0.0.0/20'));
    expect(e.message).toMatch(/vpcCidrs\.payment: got "10\.0\.0\.0\/20"; must be a \/16 or larger/);
  });

  it('rejects an AZ that belongs to another region', () => {
    const e = invalid((c) => (c.availabilityZones = ['us-east-1a', 'eu-west-1b']));
    expect(e.message).toContain(
      'availabilityZones.1: got "eu-west-1b"; must be an availability zone of the primary region us-east-1',
    );
  });

  it('rejects an AZ name without a zone letter', () => {
    const e = invalid((c) => (c.availabilityZones = ['us-east-1a', 'us-east-1']));
    expect(e.message).toMatch(/availabilityZones\.1: got "us-east-1"/);
  });

  it('rejects an AZ count that does not match the zones listed', () => {
    const e = invalid((c) => (c.azCount = 3));
    expect(e.message).toContain(
      'azCount: got 3; must equal the number of availabilityZones (2: us-east-1a, us-east-1b)',
    );
  });

  it('rejects account ids that are not 12 digits', () => {
    const e = invalid((c) => (c.accounts.payment = '12345'));
    expect(e.message).toContain('accounts.payment: got "12345"; must be exactly 12 digits');
    expect(invalid((c) => (c.accounts.analytics = '12345678901a')).message).toMatch(/accounts\.analytics/);
  });

  it('rejects invalid e-mail addresses', () => {
    const e = invalid((c) => (c.alertEmails.security = 'security-at-example.com'));
    expect(e.message).toContain(
      'alertEmails.security: got "security-at-example.com"; must be a valid e-mail address',
    );
  });

  it('rejects retention values CloudWatch Logs does not accept, listing the accepted ones', () => {
    const e = invalid((c) => (c.logRetentionDays = 45));
    expect(e.message).toContain(
      `logRetentionDays: got 45; must be one of the values CloudWatch Logs accepts: 1 | 3 |`,
    );
    expect(e.message).toContain('| 3653');
  });

  it.each(CLOUDWATCH_RETENTION_DAYS)('accepts a retention of %i days', (days) => {
    const c = defaultsFor('dev');
    c.logRetentionDays = days;
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('rejects an unknown NAT strategy', () => {
    const e = invalid((c) => ((c as Record<string, unknown>).natStrategy = 'nat-box'));
    expect(e.message).toContain(
      'natStrategy: got "nat-box"; must be one of gateway-per-az | single-gateway | instance',
    );
  });

  it('requires a pinned NAT AMI for the primary region when NAT instances are used', () => {
    const e = invalid((c) => (c.natInstance.amiIds = {}));
    expect(e.message).toContain(
      "natInstance.amiIds.us-east-1: is missing; natStrategy 'instance' needs a pinned AMI",
    );
  });

  it('rejects a malformed AMI id', () => {
    const e = invalid((c) => (c.natInstance.amiIds = { 'us-east-1': 'ami-xyz' }));
    expect(e.message).toMatch(/natInstance\.amiIds\.us-east-1: got "ami-xyz"; must be an AMI id/);
  });

  it('rejects an unknown interface endpoint', () => {
    const e = invalid((c) => ((c.interfaceEndpoints as string[]) = ['kms', 'dynamo']));
    expect(e.message).toMatch(/interfaceEndpoints\.1: got "dynamo"; must be one of secretsmanager \| kms/);
  });

  it('rejects an unknown removal policy', () => {
    const e = invalid((c) => ((c as Record<string, unknown>).removalPolicy = 'snapshot'));
    expect(e.message).toContain('removalPolicy: got "snapshot"; must be one of destroy | retain');
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const e = invalid((c) => ((c as Record<string, unknown>).natStrateg = 'instance'));
    expect(e.message).toContain('natStrateg: got "instance"; is not a known configuration key');
  });

  it('requires the cost-allocation tags', () => {
    const e = invalid((c) => delete c.tags.CostCenter);
    expect(e.message).toMatch(
      /tags: got .*; must include Environment, Application, CostCenter and ManagedBy/,
    );
  });

  it('rejects a DR region equal to the primary region', () => {
    const e = invalid((c) => (c.regions.dr = 'us-east-1'));
    expect(e.message).toContain('regions.dr: got "us-east-1"; must differ from regions.primary');
  });

  it('rejects a flow-log Glacier transition at or after expiry', () => {
    const e = invalid((c) => (c.flowLogs = { glacierTransitionDays: 400, expirationDays: 400 }), 'staging');
    expect(e.message).toContain(
      'flowLogs.glacierTransitionDays: got 400; must be smaller than flowLogs.expirationDays (400)',
    );
  });

  it('reports every problem at once', () => {
    const e = invalid((c) => {
      c.azCount = 5;
      c.alertEmails.operations = 'ops';
    });
    expect(e.issues.map((i) => i.field).sort()).toEqual(['alertEmails.operations', 'azCount']);
  });
});
