import { describe, expect, it } from 'vitest';
import { defaultsFor, loadConfig } from '../../config/index.js';
import { context, rejected } from '../support/config.js';

describe('security section (config/security.ts)', () => {
  it('refuses audit retention under a year, naming the field and the value', () => {
    expect(rejected((c) => (c.security.trail.bucketRetentionDays = 90)).message).toMatch(
      /security\.trail\.bucketRetentionDays: got 90; must be at least 365 days/,
    );
    expect(rejected((c) => (c.security.trail.logRetentionDays = 30)).message).toMatch(
      /security\.trail\.logRetentionDays: got 30; must be at least 365 days/,
    );
    expect(rejected((c) => (c.security.config.historyRetentionDays = 364)).message).toMatch(
      /security\.config\.historyRetentionDays: got 364; must be at least 365 days \(PCI DSS 10\.5\.1/,
    );
  });

  it('locks the prod trail bucket for a year in compliance mode, and checks any lock', () => {
    expect(defaultsFor('prod').security.trail.objectLock).toEqual({ mode: 'compliance', days: 365 });
    expect(
      rejected((c) => (c.security.trail.objectLock = { mode: 'governance', days: 90 })).message,
    ).toContain('security.trail.objectLock.days: got 90; must be at least 365 (PCI DSS 10.5.1)');
    expect(
      rejected((c) => (c.security.trail.objectLock = { mode: 'governance', days: 400 })).message,
    ).toContain(
      'security.trail.objectLock.days: got 400; must not exceed security.trail.bucketRetentionDays (365)',
    );
    expect(
      rejected((c) => (c.security.trail.objectLock = { mode: 'compliance', days: 365 })).message,
    ).toContain(
      "security.trail.objectLock.mode: got \"compliance\"; must not be 'compliance' with removalPolicy 'destroy'",
    );
  });

  it('refuses a trail log retention CloudWatch Logs does not accept', () => {
    expect(rejected((c) => (c.security.trail.logRetentionDays = 500)).message).toMatch(
      /security\.trail\.logRetentionDays: got 500; must be one of the values CloudWatch Logs accepts/,
    );
  });

  it('refuses an unknown service mode and lists the allowed ones', () => {
    const e = rejected((c) => ((c.security.guardDuty as Record<string, unknown>).mode = 'org'));
    expect(e.message).toMatch(/security\.guardDuty\.mode: got "org"; must be one of create \| existing/);
  });

  it('switches a service to existing with a context override', () => {
    const config = loadConfig({
      envName: 'prod',
      getContext: context({ 'security.config.mode': 'existing' }),
    });
    expect(config.security.config.mode).toBe('existing');
    expect(config.security.guardDuty.mode).toBe('create');
  });
});
