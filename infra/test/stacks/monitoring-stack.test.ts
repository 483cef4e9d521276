import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_METRIC_FILTERS } from '../../lib/constructs/monitoring/security-metric-filters.js';
import { ROTATION_FAILURE_EVENTS } from '../../lib/stacks/monitoring-stack.js';
import { WITH_PARTNER_API } from '../support/api.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

const NO_GATE = { complianceGate: false } as const;
const GIB = 1024 ** 3;

type Props = Record<string, unknown>;
type Resource = { Type: string; Properties: Props };

function resources(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.findResources(type)) as [string, Resource][];
}

/** The one resource of `type` (fails when there is none or several). */
function only(t: Template, type: string): Resource {
  const found = resources(t, type);
  expect(found, type).toHaveLength(1);
  return found[0]![1];
}

/** Which topics an action list names: the security stack's by export name, the escalation topic by Ref. */
function audiences(actions: unknown): string[] {
  return ((actions as unknown[] | undefined) ?? [])
    .map((a) => {
      const text = JSON.stringify(a);
      if (text.includes('BaselineAlertsOperations')) return 'operations';
      if (text.includes('BaselineAlertsSecurity')) return 'security';
      if (text.includes('"Ref":"Escalation')) return 'escalation';
      return text;
    })
    .sort();
}

interface Observed {
  readonly metric: string;
  readonly statistic?: string;
  readonly expression?: string;
  readonly threshold: number;
  readonly comparison: string;
  readonly missing: string;
  readonly alarm: string[];
  readonly ok: string[];
  readonly period: number;
}

function alarmsOf(t: Template): Map<string, Observed> {
  const found = new Map<string, Observed>();
  for (const [, { Properties: p }] of resources(t, 'AWS::CloudWatch::Alarm')) {
    const metrics = p.Metrics as
      | {
          Expression?: string;
          MetricStat?: { Metric: { Namespace: string; MetricName: string }; Period: number };
        }[]
      | undefined;
    const stats = metrics?.filter((m) => m.MetricStat).map((m) => m.MetricStat!) ?? [];
    found.set(String(p.AlarmName), {
      metric: metrics
        ? stats.map((s) => `${s.Metric.Namespace}/${s.Metric.MetricName}`).join(' ')
        : `${String(p.Namespace)}/${String(p.MetricName)}`,
      statistic: (p.Statistic ?? p.ExtendedStatistic) as string | undefined,
      expression: metrics?.find((m) => m.Expression)?.Expression,
      threshold: p.Threshold as number,
      comparison: p.ComparisonOperator as string,
      missing: p.TreatMissingData as string,
      alarm: audiences(p.AlarmActions),
      ok: audiences(p.OKActions),
      period: (p.Period as number | undefined) ?? stats[0]?.Period ?? 0,
    });
  }
  return found;
}

const CRITICAL = { alarm: ['escalation', 'operations'], ok: ['escalation', 'operations'] };
const WARNING = { alarm: ['operations'], ok: [] };
const GT = 'GreaterThanThreshold';
const GTE = 'GreaterThanOrEqualToThreshold';

/** prod (r7g.large, 2 readers, Fargate, partner API on): every alarm, its metric, statistic, threshold and actions. */
const PROD_ALARMS: Record<
  string,
  Partial<Observed> &
    Pick<Observed, 'metric' | 'threshold' | 'comparison' | 'missing'> & { alarm: string[]; ok: string[] }
> = {
  'PaymentApiAlb-TargetResponseTime': {
    metric: 'AWS/ApplicationELB/TargetResponseTime',
    statistic: 'Average',
    threshold: 1,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PaymentApiAlb-UnhealthyHosts': {
    metric: 'AWS/ApplicationELB/UnHealthyHostCount',
    statistic: 'Maximum',
    threshold: 0,
    comparison: GT,
    missing: 'notBreaching',
    ...CRITICAL,
  },
  'PaymentApiAlb-Target5xxRate': {
    metric: 'AWS/ApplicationELB/HTTPCode_Target_5XX_Count AWS/ApplicationELB/RequestCount',
    expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...CRITICAL,
  },
  'PaymentApiAlb-RejectedConnections': {
    metric: 'AWS/ApplicationELB/RejectedConnectionCount',
    statistic: 'Sum',
    threshold: 0,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PaymentApiService-Cpu': {
    metric: 'AWS/ECS/CPUUtilization',
    statistic: 'Average',
    threshold: 80,
    comparison: GT,
    missing: 'missing',
    ...WARNING,
  },
  'PaymentApiService-Memory': {
    metric: 'AWS/ECS/MemoryUtilization',
    statistic: 'Average',
    threshold: 80,
    comparison: GT,
    missing: 'missing',
    ...WARNING,
  },
  'PaymentApiService-RunningBelowDesired': {
    metric: 'ECS/ContainerInsights/DesiredTaskCount ECS/ContainerInsights/RunningTaskCount',
    expression: 'desired - running',
    threshold: 1,
    comparison: GTE,
    missing: 'breaching',
    ...CRITICAL,
  },
  'Database-Cpu': {
    metric: 'AWS/RDS/CPUUtilization',
    statistic: 'Maximum',
    threshold: 80,
    comparison: GT,
    missing: 'missing',
    ...WARNING,
  },
  // r7g.large: 16 GiB / 9531392 = 1802 connections; 80 % of it.
  'Database-Connections': {
    metric: 'AWS/RDS/DatabaseConnections',
    statistic: 'Maximum',
    threshold: 1441,
    comparison: GT,
    missing: 'missing',
    ...CRITICAL,
  },
  'Database-FreeLocalStorage': {
    metric: 'AWS/RDS/FreeLocalStorage',
    statistic: 'Minimum',
    threshold: 10 * GIB,
    comparison: 'LessThanThreshold',
    missing: 'missing',
    ...CRITICAL,
  },
  'Database-Deadlocks': {
    metric: 'AWS/RDS/Deadlocks',
    statistic: 'Maximum',
    threshold: 0,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'Database-ReplicaLag': {
    metric: 'AWS/RDS/AuroraReplicaLag',
    statistic: 'Maximum',
    threshold: 10_000,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'Database-ProxyClientConnections': {
    metric: 'AWS/RDS/ClientConnections',
    statistic: 'Maximum',
    threshold: 2000,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  // The Processing stack's events queue: any dead letter pages, a backlog older than an hour warns.
  'Events-OldestMessageAge': {
    metric: 'AWS/SQS/ApproximateAgeOfOldestMessage',
    statistic: 'Maximum',
    threshold: 3600,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'Events-DeadLetters': {
    metric: 'AWS/SQS/ApproximateNumberOfMessagesVisible',
    statistic: 'Maximum',
    threshold: 0,
    comparison: GT,
    missing: 'notBreaching',
    ...CRITICAL,
  },
  'SecretRotation-Errors': {
    metric: 'AWS/Lambda/Errors',
    statistic: 'Sum',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'SecretRotation-Throttles': {
    metric: 'AWS/Lambda/Throttles',
    statistic: 'Sum',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApiAuthorizer-Errors': {
    metric: 'AWS/Lambda/Errors',
    statistic: 'Sum',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApiAuthorizer-Throttles': {
    metric: 'AWS/Lambda/Throttles',
    statistic: 'Sum',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApi-ServerErrorRate': {
    metric: 'AWS/ApiGateway/5XXError',
    statistic: 'Average',
    threshold: 0.01,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApi-ClientErrorRate': {
    metric: 'AWS/ApiGateway/4XXError',
    statistic: 'Average',
    threshold: 0.1,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApi-LatencyP99': {
    metric: 'AWS/ApiGateway/Latency',
    statistic: 'p99',
    threshold: 1500,
    comparison: GT,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PaymentApiWaf-BlockedRequests': {
    metric: 'AWS/WAFV2/BlockedRequests',
    statistic: 'Sum',
    threshold: 2000,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'PartnerApiWaf-BlockedRequests': {
    metric: 'AWS/WAFV2/BlockedRequests',
    statistic: 'Sum',
    threshold: 2000,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'Payments-DeclineRate': {
    metric: 'Tessera/PaymentApi/PaymentSucceeded Tessera/PaymentApi/PaymentDeclined',
    expression:
      'IF(FILL(ok, 0) + FILL(declined, 0) >= 100, 100 * FILL(declined, 0) / (FILL(ok, 0) + FILL(declined, 0)), 0)',
    threshold: 25,
    comparison: GTE,
    missing: 'notBreaching',
    ...WARNING,
  },
  'Payments-ErrorRate': {
    metric: 'Tessera/PaymentApi/Requests Tessera/PaymentApi/ServerErrors',
    expression: 'IF(FILL(requests, 0) >= 100, 100 * FILL(errors, 0) / requests, 0)',
    threshold: 1,
    comparison: GTE,
    missing: 'notBreaching',
    ...CRITICAL,
  },
  ...Object.fromEntries(
    Object.keys(SECURITY_METRIC_FILTERS).map((name) => [
      `Security-${name}`,
      {
        metric: `Tessera/prod/CloudTrail/${name}`,
        statistic: 'Sum',
        threshold: 1,
        comparison: GTE,
        missing: 'notBreaching',
        alarm: ['security'],
        ok: [],
      },
    ]),
  ),
};

describe('Monitoring stack (prod, Fargate, partner API on)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  let alarms: Map<string, Observed>;
  beforeAll(() => {
    env = synthEnvironment('prod', WITH_PARTNER_API, NO_GATE);
    t = env.template(env.stacks.monitoring);
    alarms = alarmsOf(t);
  });

  it('has exactly the alarms of the table, each with its metric, statistic, threshold, comparison, missing-data rule and actions', () => {
    expect([...alarms.keys()].sort()).toEqual(
      Object.keys(PROD_ALARMS)
        .map((n) => `Tessera-prod-${n}`)
        .sort(),
    );
    for (const [name, expected] of Object.entries(PROD_ALARMS)) {
      const { period: _period, ...observed } = alarms.get(`Tessera-prod-${name}`)!;
      const { statistic, expression, ...rest } = expected;
      expect(observed, name).toMatchObject(rest);
      if (statistic) expect(observed.statistic, name).toBe(statistic);
      if (expression) expect(observed.expression, name).toBe(expression);
    }
  });

  it('evaluates at the configured period (1 minute, 3 of 5 in prod), security filters over 5 minutes', () => {
    for (const [name, a] of alarms) expect(a.period, name).toBe(name.includes('-Security-') ? 300 : 60);
    const [, { Properties: p }] = resources(t, 'AWS::CloudWatch::Alarm').find(([id]) =>
      id.includes('UnhealthyHosts'),
    )!;
    expect(p).toMatchObject({ EvaluationPeriods: 5, DatapointsToAlarm: 3 });
  });

  it('names a runbook that exists in every critical alarm', async () => {
    const { existsSync } = await import('node:fs');
    for (const [, { Properties: p }] of resources(t, 'AWS::CloudWatch::Alarm')) {
      if (!audiences(p.AlarmActions).includes('escalation')) continue;
      const page = /Runbook: (docs\/runbooks\/[a-z0-9-]+\.md)/.exec(String(p.AlarmDescription))?.[1];
      expect(page, String(p.AlarmName)).toBeDefined();
      expect(existsSync(new URL(`../../../${page}`, import.meta.url)), page).toBe(true);
    }
  });

  it('counts each CIS 4.x CloudTrail pattern on the trail log group, in this stack', () => {
    const filters = resources(t, 'AWS::Logs::MetricFilter');
    expect(filters).toHaveLength(Object.keys(SECURITY_METRIC_FILTERS).length);
    for (const [name, { pattern }] of Object.entries(SECURITY_METRIC_FILTERS)) {
      const found = filters.find(([, r]) => JSON.stringify(r.Properties).includes(`"MetricName":"${name}"`));
      expect(found, name).toBeDefined();
      expect(found![1].Properties.FilterPattern, name).toBe(pattern);
      expect(JSON.stringify(found![1].Properties.LogGroupName)).toContain('Tessera-prod-Security');
      expect(found![1].Properties.MetricTransformations).toEqual([
        { MetricNamespace: 'Tessera/prod/CloudTrail', MetricName: name, MetricValue: '1' },
      ]);
    }
    expect(resources(env.template(env.stacks.security), 'AWS::Logs::MetricFilter')).toEqual([]);
  });

  it('sends failed and abandoned rotations to operations and escalation through its own role', () => {
    const rule = only(t, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: [...ROTATION_FAILURE_EVENTS] },
    });
    const targets = rule.Properties.Targets as { Arn: unknown; RoleArn?: unknown }[];
    expect(audiences(targets.map((x) => x.Arn))).toEqual(['escalation', 'operations']);
    expect(targets.every((x) => x.RoleArn !== undefined)).toBe(true);
  });

  it('subscribes the escalation addresses to an encrypted, TLS-only topic under the alerts key', () => {
    const topic = only(t, 'AWS::SNS::Topic');
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain('Tessera-prod-Security');
    const subscriptions = resources(t, 'AWS::SNS::Subscription').map(([, s]) => s.Properties.Endpoint);
    expect(subscriptions.sort()).toEqual([...env.config.monitoring.escalationEmails].sort());
    const policy = only(t, 'AWS::SNS::TopicPolicy');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('builds one dashboard with a row per section and outputs its URL', () => {
    const dashboard = only(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('Tessera-prod');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of ['Traffic', 'Latency', 'Errors', 'Database', 'Queues', 'Security']) {
      expect(body, title).toContain(`## ${title}`);
    }
    expect(body).toContain('Payments: authorization latency (ms)');
    const url = JSON.stringify(t.toJSON().Outputs.DashboardUrl.Value);
    expect(url).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/',
    );
  });

  it('budgets the Environment tag monthly with actual and forecast alerts at 80 and 100 % to the operations topic', () => {
    const budget = only(t, 'AWS::Budgets::Budget');
    expect(budget.Properties.Budget).toEqual({
      BudgetName: 'tessera-prod-monthly',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 3500, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:Environment$prod'] },
    });
    const notifications = budget.Properties.NotificationsWithSubscribers as {
      Notification: Props;
      Subscribers: { SubscriptionType: string; Address: unknown }[];
    }[];
    // AWS Budgets: at most five notifications per budget, one SNS subscriber per notification.
    expect(notifications.length).toBeLessThanOrEqual(5);
    expect(
      notifications
        .map((n) => `${String(n.Notification.NotificationType)} ${String(n.Notification.Threshold)}`)
        .sort(),
    ).toEqual(['ACTUAL 100', 'ACTUAL 80', 'FORECASTED 100', 'FORECASTED 80']);
    for (const n of notifications) {
      expect(n.Notification).toMatchObject({
        ComparisonOperator: 'GREATER_THAN',
        ThresholdType: 'PERCENTAGE',
      });
      expect(n.Subscribers).toHaveLength(1);
      expect(n.Subscribers[0]!.SubscriptionType).toBe('SNS');
      expect(audiences([n.Subscribers[0]!.Address])).toEqual(['operations']);
    }
  });

  it("lets AWS Budgets of this account publish to the operations topic and use the alert topics' key", () => {
    const security = env.template(env.stacks.security);
    const policies = resources(security, 'AWS::SNS::TopicPolicy').map(([, p]) =>
      JSON.stringify(p.Properties),
    );
    const budgets = policies.filter((p) => p.includes('budgets.amazonaws.com'));
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toContain('BaselineAlertsOperations');
    const statement = (
      JSON.parse(budgets[0]!) as {
        PolicyDocument: { Statement: { Sid?: string; Condition?: unknown; Action: unknown }[] };
      }
    ).PolicyDocument.Statement.find((s) => s.Sid === 'AllowBudgetsToPublish')!;
    expect(statement.Action).toBe('sns:Publish');
    expect(JSON.stringify(statement.Condition)).toContain('"aws:SourceAccount":"111111111111"');
    expect(JSON.stringify(statement.Condition)).toContain(':budgets::111111111111:*');
    const keys = resources(security, 'AWS::KMS::Key').map(([, k]) => JSON.stringify(k.Properties.KeyPolicy));
    const alertsKey = keys.find((k) => k.includes('AllowAlertPublishersToUseTheKey'))!;
    const publishers = (
      JSON.parse(alertsKey) as {
        Statement: { Sid?: string; Principal: { Service: string[] }; Action: string[] }[];
      }
    ).Statement.find((s) => s.Sid === 'AllowAlertPublishersToUseTheKey')!;
    expect(publishers.Principal.Service).toContain('budgets.amazonaws.com');
    expect(publishers.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']));
  });

  it('changes no resource of the stacks it watches (one-way data flow)', () => {
    for (const stack of [env.stacks.app, env.stacks.data, env.stacks.api!]) {
      expect(env.stacks.monitoring.dependencies).toContain(stack);
      expect(stack.dependencies).not.toContain(env.stacks.monitoring);
    }
  });
});

describe('Monitoring stack in other shapes', () => {
  it('dev (Serverless v2 up to 2 ACU, no reader): 80 % of 450 connections, no replica lag alarm, 5-minute periods', () => {
    const env = synthEnvironment('dev', {}, NO_GATE);
    const alarms = alarmsOf(env.template(env.stacks.monitoring));
    expect(alarms.get('Tessera-dev-Database-Connections')?.threshold).toBe(360);
    expect(alarms.has('Tessera-dev-Database-ReplicaLag')).toBe(false);
    expect(alarms.has('Tessera-dev-PartnerApi-ServerErrorRate')).toBe(false);
    expect(alarms.get('Tessera-dev-PaymentApiAlb-UnhealthyHosts')?.period).toBe(300);
  });

  it('EC2 mode: Auto Scaling CPU and in-service below desired instead of the ECS alarms', () => {
    const env = synthEnvironment('prod', { compute: 'ec2' }, NO_GATE);
    const alarms = alarmsOf(env.template(env.stacks.monitoring));
    expect([...alarms.keys()].filter((n) => n.includes('PaymentApiService'))).toEqual([]);
    expect(alarms.get('Tessera-prod-PaymentApiInstances-Cpu')).toMatchObject({
      metric: 'AWS/EC2/CPUUtilization',
      statistic: 'Average',
      threshold: 80,
      comparison: GT,
      ...WARNING,
    });
    expect(alarms.get('Tessera-prod-PaymentApiInstances-RunningBelowDesired')).toMatchObject({
      metric: 'AWS/AutoScaling/GroupDesiredCapacity AWS/AutoScaling/GroupInServiceInstances',
      expression: 'desired - inService',
      threshold: 1,
      missing: 'breaching',
      ...CRITICAL,
    });
    const group = only(env.template(env.stacks.app), 'AWS::AutoScaling::AutoScalingGroup');
    expect(group.Properties.MetricsCollection).toEqual([
      { Granularity: '1Minute', Metrics: ['GroupInServiceInstances', 'GroupDesiredCapacity'] },
    ]);
  });

  it('EKS mode: node CPU, node memory and failed nodes of the cluster instead of the ECS alarms', () => {
    const env = synthEnvironment('prod', { compute: 'eks' }, NO_GATE);
    const alarms = alarmsOf(env.template(env.stacks.monitoring));
    expect([...alarms.keys()].filter((n) => n.includes('PaymentApiService'))).toEqual([]);
    expect(alarms.get('Tessera-prod-PaymentApiCluster-NodeCpu')).toMatchObject({
      metric: 'ContainerInsights/node_cpu_utilization',
      statistic: 'Average',
      threshold: 80,
      comparison: GT,
      ...WARNING,
    });
    expect(alarms.get('Tessera-prod-PaymentApiCluster-NodeMemory')).toMatchObject({
      metric: 'ContainerInsights/node_memory_utilization',
      threshold: 80,
      comparison: GT,
      ...WARNING,
    });
    expect(alarms.get('Tessera-prod-PaymentApiCluster-FailedNodes')).toMatchObject({
      metric: 'ContainerInsights/cluster_failed_node_count',
      statistic: 'Maximum',
      threshold: 1,
      missing: 'breaching',
      ...CRITICAL,
    });
  });
});
