import { describe, expect, it } from 'vitest';
import { defaultsFor } from '../../config/index.js';
import { monitoringPreflight } from '../../config/monitoring.js';
import { MONITORED_ESCALATION_EMAILS, rejected } from '../support/config.js';

describe('monitoring section (config/monitoring.ts)', () => {
  it('uses the seeds thresholds everywhere: 1 s response time, 80 % CPU, memory and connections, 10 GiB local storage', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      const { monitoring } = defaultsFor(env);
      expect(monitoring.loadBalancer.targetResponseTimeSeconds, env).toBe(1);
      expect(monitoring.compute, env).toEqual({ cpuPercent: 80, memoryPercent: 80 });
      expect(monitoring.database, env).toMatchObject({
        cpuPercent: 80,
        connectionsPercentOfMax: 80,
        freeLocalStorageGiB: 10,
      });
    }
  });

  it('evaluates prod every minute, three of five; dev and staging every five minutes, two of three', () => {
    expect(defaultsFor('prod').monitoring).toMatchObject({
      periodMinutes: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    for (const env of ['dev', 'staging'] as const) {
      expect(defaultsFor(env).monitoring, env).toMatchObject({
        periodMinutes: 5,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    }
  });

  it('refuses more breaching periods than evaluated ones', () => {
    expect(rejected((c) => (c.monitoring.datapointsToAlarm = 4)).message).toContain(
      'monitoring.datapointsToAlarm: got 4; must be at most monitoring.evaluationPeriods (3)',
    );
  });

  it('refuses a period CloudWatch standard resolution does not fit, naming the allowed ones', () => {
    expect(
      rejected((c) => ((c.monitoring as { periodMinutes: number }).periodMinutes = 2)).message,
    ).toContain('monitoring.periodMinutes: got 2; must be one of 1 | 5');
  });

  it('refuses an empty escalation list and a malformed address', () => {
    expect(rejected((c) => (c.monitoring.escalationEmails = [])).message).toContain(
      'monitoring.escalationEmails: got []; must list at least one address (critical alarms page it)',
    );
    expect(rejected((c) => (c.monitoring.escalationEmails = ['pager'])).message).toContain(
      'monitoring.escalationEmails.0: got "pager"; must be a valid e-mail address',
    );
  });

  it('refuses percentages above 100 and a zero budget', () => {
    expect(rejected((c) => (c.monitoring.compute.cpuPercent = 120)).message).toContain(
      'monitoring.compute.cpuPercent: got 120; must be between 1 and 100 percent',
    );
    expect(rejected((c) => (c.monitoring.budget.monthlyUsd = 0)).message).toContain(
      'monitoring.budget.monthlyUsd: got 0; must be between 1 and 1000000 USD',
    );
  });

  it('refuses placeholder escalation addresses at deploy, naming each one', () => {
    const c = defaultsFor('prod');
    const issues = monitoringPreflight(c);
    expect(issues.map((i) => i.field)).toEqual(
      c.monitoring.escalationEmails.map((_, i) => `monitoring.escalationEmails.${i}`),
    );
    expect(issues[0]?.problem).toContain('critical alarms would page nobody');
    c.monitoring.escalationEmails = [...MONITORED_ESCALATION_EMAILS];
    expect(monitoringPreflight(c)).toEqual([]);
  });
});
