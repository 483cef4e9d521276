import { describe, expect, it } from 'vitest';
import { defaultsFor, validateConfig } from '../../config/index.js';
import { CLOUDWATCH_RETENTION_DAYS } from '../../config/primitives.js';
import { rejected } from '../support/config.js';

describe('environment-wide keys (config/foundation.ts): each message names field, value and what is allowed', () => {
  it('rejects an AZ that belongs to another region', () => {
    const e = rejected((c) => (c.availabilityZones = ['us-east-1a', 'eu-west-1b']));
    expect(e.message).toContain(
      'availabilityZones.1: got "eu-west-1b"; must be an availability zone of the primary region us-east-1',
    );
  });

  it('rejects an AZ name without a zone letter', () => {
    const e = rejected((c) => (c.availabilityZones = ['us-east-1a', 'us-east-1']));
    expect(e.message).toMatch(/availabilityZones\.1: got "us-east-1"/);
  });

  it('rejects a repeated zone, no zone at all, and more zones than a region has', () => {
    expect(rejected((c) => (c.availabilityZones = ['us-east-1a', 'us-east-1a'])).message).toContain(
      'availabilityZones: got ["us-east-1a","us-east-1a"]; must not repeat a zone',
    );
    expect(rejected((c) => (c.availabilityZones = [])).message).toContain(
      'must list at least one availability zone',
    );
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((z) => `us-east-1${z}`);
    expect(rejected((c) => (c.availabilityZones = seven)).message).toContain(
      'must list at most 6 availability zones',
    );
  });

  it('rejects account ids that are not 12 digits', () => {
    const e = rejected((c) => (c.accounts.payment = '12345'));
    expect(e.message).toContain('accounts.payment: got "12345"; must be exactly 12 digits');
    expect(rejected((c) => (c.accounts.analytics = '12345678901a')).message).toMatch(/accounts\.analytics/);
  });

  it('rejects invalid e-mail addresses', () => {
    const e = rejected((c) => (c.alertEmails.security = 'security-at-example.com'));
    expect(e.message).toContain(
      'alertEmails.security: got "security-at-example.com"; must be a valid e-mail address',
    );
  });

  it('rejects retention values CloudWatch Logs does not accept, listing the accepted ones', () => {
    const e = rejected((c) => (c.logRetentionDays = 45));
    expect(e.message).toContain(
      `logRetentionDays: got 45; must be one of the values CloudWatch Logs accepts: 1 | 3 |`,
    );
    expect(e.message).toContain('| 3653');
  });

  it.each([...CLOUDWATCH_RETENTION_DAYS])('accepts a retention of %i days', (days) => {
    const c = defaultsFor('dev');
    c.logRetentionDays = days;
    expect(() => validateConfig(c)).not.toThrow();
  });

  it('rejects an unknown removal policy', () => {
    const e = rejected((c) => ((c as Record<string, unknown>).removalPolicy = 'snapshot'));
    expect(e.message).toContain('removalPolicy: got "snapshot"; must be one of destroy | retain');
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const e = rejected((c) => ((c as Record<string, unknown>).removalPolicie = 'retain'));
    expect(e.message).toContain('removalPolicie: got "retain"; is not a known configuration key');
  });

  it('requires the cost-allocation tags', () => {
    const e = rejected((c) => delete c.tags.CostCenter);
    expect(e.message).toMatch(/tags: got .*; must include Environment, Application, CostCenter, ManagedBy/);
  });

  it('rejects a DR region equal to the primary region', () => {
    const e = rejected((c) => (c.regions.dr = 'us-east-1'));
    expect(e.message).toContain('regions.dr: got "us-east-1"; must differ from regions.primary');
  });

  it('reports every problem at once, from every section', () => {
    const e = rejected((c) => {
      c.alertEmails.operations = 'ops';
      c.network.natStrategy = 'nat-box' as 'instance';
      c.data.rotationDays = 120;
    });
    expect(e.issues.map((i) => i.field).sort()).toEqual([
      'alertEmails.operations',
      'data.rotationDays',
      'network.natStrategy',
    ]);
  });

  it('reports every cross-field problem at once, from every section, once the values themselves are valid', () => {
    const e = rejected((c) => {
      c.availabilityZones = ['us-east-1a', 'us-east-1a'];
      c.network.vpcCidrs.analytics = '10.0.0.0/24';
      c.app.fargate.memoryMiB = 512;
      c.edge.domainNames = ['status.example.com'];
    });
    expect(e.issues.map((i) => i.field).sort()).toEqual([
      'app.fargate.memoryMiB',
      'availabilityZones',
      'edge.certificateArn',
      'network.vpcCidrs.analytics',
    ]);
  });
});
