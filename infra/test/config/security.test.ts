import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
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
