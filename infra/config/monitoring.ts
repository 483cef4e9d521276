import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { isPlaceholderEmail } from './placeholders.js';
import { email, type RuleIssue, wholeNumber } from './primitives.js';

/** CloudWatch alarm periods the Monitoring stack uses: standard resolution, a whole number of minutes. */
export const ALARM_PERIOD_MINUTES = [1, 5] as const;
/** Each address must confirm its subscription; a pager list longer than this is a mistake, not a rota. */
const MAX_ESCALATION_EMAILS = 10;

const between = (min: number, max: number, unit: string) =>
  z
    .number({ error: 'must be a number' })
    .min(min, { error: `must be between ${min} and ${max} ${unit}` })
    .max(max, { error: `must be between ${min} and ${max} ${unit}` });
const percent = between(1, 100, 'percent');
const count = (max: number, unit: string) =>
  wholeNumber
    .min(1, { error: `must be between 1 and ${max} ${unit}` })
    .max(max, { error: `must be between 1 and ${max} ${unit}` });

/**
 * The Monitoring stack: alarm thresholds and periods, who is paged for critical alarms, the monthly budget
 * (ADR 0039). Security metric filters have no thresholds: any match alarms.
 */
export const monitoringSchema = z.strictObject({
  /** Addresses of the escalation topic: critical alarms page them in addition to the operations topic. */
  escalationEmails: z
    .array(email, { error: 'must be a list of e-mail addresses' })
    .min(1, { error: 'must list at least one address (critical alarms page it)' })
    .max(MAX_ESCALATION_EMAILS, { error: `must list at most ${MAX_ESCALATION_EMAILS} addresses` }),
  /** Period of every metric alarm, in minutes (1 or 5; 1-minute ALB/ECS/RDS metrics are free). */
  periodMinutes: z.union(
    ALARM_PERIOD_MINUTES.map((m) => z.literal(m)),
    { error: `must be one of ${ALARM_PERIOD_MINUTES.join(' | ')}` },
  ),
  /** An alarm looks at this many periods ... */
  evaluationPeriods: count(60, 'periods'),
  /** ... and fires when this many of them breach (M of N). */
  datapointsToAlarm: count(60, 'periods'),
  loadBalancer: z.strictObject({
    /** Alarm when the average target response time exceeds this many seconds. */
    targetResponseTimeSeconds: between(0.05, 60, 'seconds'),
    /** Alarm when this percentage of requests or more get a 5xx from the targets. */
    target5xxPercent: percent,
  }),
  compute: z.strictObject({
    /** Alarm when the payment API's CPU (ECS service, or the EC2 Auto Scaling group) exceeds this. */
    cpuPercent: percent,
    /** Alarm when the ECS service's memory exceeds this (Fargate only; EC2 publishes no memory metric). */
    memoryPercent: percent,
  }),
  database: z.strictObject({
    /** Alarm when the busiest Aurora instance's CPU exceeds this. */
    cpuPercent: percent,
    /** Alarm when connections exceed this percentage of the instance's default `max_connections`. */
    connectionsPercentOfMax: percent,
    /** Alarm when an instance has less local (temporary) storage than this, in GiB. */
    freeLocalStorageGiB: between(1, 1000, 'GiB'),
    /** Alarm when a reader lags the writer by more than this many seconds. */
    replicaLagSeconds: between(1, 3600, 'seconds'),
    /** Alarm when RDS Proxy holds more client connections than this. */
    proxyClientConnections: count(100_000, 'connections'),
  }),
  api: z.strictObject({
    /** Partner API (when `api.enabled`): alarm when this percentage of requests or more answer 5xx. */
    serverErrorPercent: percent,
    /** ... when this percentage or more answer 4xx (a partner misconfigured, or someone probing). */
    clientErrorPercent: percent,
    /** ... when p99 latency exceeds this many milliseconds. */
    latencyP99Milliseconds: count(29_000, 'milliseconds'),
  }),
  /** Alarm when the load balancer's web ACL blocks this many requests or more within one period. */
  wafBlockedRequests: count(10_000_000, 'requests'),
  payments: z.strictObject({
    /** Alarm when this percentage of authorizations or more are declined ... */
    declineRatePercent: percent,
    /** ... or this percentage of payment API responses or more are 5xx ... */
    errorRatePercent: percent,
    /** ... but only over at least this many authorizations / requests per period (a few declines are normal). */
    minimumVolume: count(1_000_000, 'per period'),
  }),
  budget: z.strictObject({
    /** Monthly AWS Budget of this environment's tagged costs, in USD; alerts at 80 % and 100 %, actual and forecast. */
    monthlyUsd: between(1, 1_000_000, 'USD'),
  }),
});

export type MonitoringConfig = z.infer<typeof monitoringSchema>;

/** An alarm cannot need more breaching periods than it evaluates. */
export function monitoringRules({ monitoring }: { readonly monitoring: MonitoringConfig }): RuleIssue[] {
  if (monitoring.datapointsToAlarm <= monitoring.evaluationPeriods) return [];
  return [
    {
      path: ['monitoring', 'datapointsToAlarm'],
      message: `must be at most monitoring.evaluationPeriods (${monitoring.evaluationPeriods})`,
    },
  ];
}

/** Refuses escalation addresses in domains reserved for documentation: critical alarms would page nobody. */
export function monitoringPreflight({
  monitoring,
}: {
  readonly monitoring: MonitoringConfig;
}): ConfigIssue[] {
  return monitoring.escalationEmails
    .map((address, index) => ({ address, index }))
    .filter(({ address }) => isPlaceholderEmail(address))
    .map(({ address, index }) => ({
      field: `monitoring.escalationEmails.${index}`,
      value: address,
      problem:
        'is a placeholder (a domain reserved for documentation); critical alarms would page nobody: set a ' +
        'monitored address in infra/config/<env>.ts or a -c configFile=... override',
    }));
}
