import { describe, expect, it } from 'vitest';
import { defaultsFor, validateConfig } from '../../config/index.js';

describe('environment files (dev.ts, staging.ts, prod.ts)', () => {
  it.each(['dev', 'staging', 'prod'])('%s is valid', (env) => {
    expect(() => validateConfig(defaultsFor(env))).not.toThrow();
  });

  it('dev runs 2 AZs behind NAT instances and can be destroyed', () => {
    const c = defaultsFor('dev');
    expect([c.availabilityZones.length, c.network.natStrategy, c.removalPolicy]).toEqual([
      2,
      'instance',
      'destroy',
    ]);
  });

  it('staging runs 3 AZs behind a single NAT gateway', () => {
    const c = defaultsFor('staging');
    expect([c.availabilityZones.length, c.network.natStrategy]).toEqual([3, 'single-gateway']);
  });

  it('prod runs 3 AZs with a NAT gateway per AZ and retains everything', () => {
    const c = defaultsFor('prod');
    expect([c.availabilityZones.length, c.network.natStrategy, c.removalPolicy]).toEqual([
      3,
      'gateway-per-az',
      'retain',
    ]);
  });

  it('uses the seed CIDRs for the payment and analytics VPCs', () => {
    expect(defaultsFor('prod').network.vpcCidrs).toEqual({
      payment: '10.0.0.0/16',
      analytics: '10.1.0.0/16',
    });
  });

  it('keeps payment and audit records seven years in prod', () => {
    const { app, edge, data, security, network } = defaultsFor('prod');
    expect([
      app.logRetentionDays,
      app.accessLogRetentionDays,
      edge.accessLogRetentionDays,
      edge.logRetentionDays,
      data.logRetentionDays,
      data.backup.monthlyRetentionDays,
      security.trail.bucketRetentionDays,
      security.config.historyRetentionDays,
      network.flowLogs.expirationDays,
    ]).toEqual(Array(9).fill(2557));
  });

  it('returns a copy that callers may change', () => {
    defaultsFor('dev').network.interfaceEndpoints.push('xray');
    expect(defaultsFor('dev').network.interfaceEndpoints).not.toContain('xray');
  });

  it('rejects an unknown environment name, naming the allowed ones', () => {
    expect(() => defaultsFor('qa')).toThrow(/env: got "qa"; must be one of dev \| staging \| prod/);
  });
});
