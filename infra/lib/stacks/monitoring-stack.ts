import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { acknowledge } from '../compliance/acknowledge.js';
import {
  AlarmFactory,
  DASHBOARD_SECTIONS,
  type DashboardSection,
} from '../constructs/monitoring/alarm-factory.js';
import type { MonitoredResources } from '../constructs/monitoring/monitored-resources.js';
import { MonthlyBudget } from '../constructs/monitoring/monthly-budget.js';
import { SecurityMetricFilters } from '../constructs/monitoring/security-metric-filters.js';
import { type Graphs, watch } from '../constructs/monitoring/watchers.js';
import { createAlertTopic } from '../constructs/security/alert-topics.js';

/** Secrets Manager events (via CloudTrail) that mean a secret did not rotate. */
export const ROTATION_FAILURE_EVENTS = ['RotationFailed', 'RotationAbandoned'] as const;

const SECTION_TITLES: Record<DashboardSection, string> = {
  traffic: 'Traffic',
  latency: 'Latency',
  errors: 'Errors',
  database: 'Database',
  queue: 'Queues',
  security: 'Security',
};

export interface MonitoringStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** The security stack's alert topics and the key that encrypts them (the escalation topic uses it too). */
  readonly topics: {
    readonly security: sns.ITopic;
    readonly operations: sns.ITopic;
  };
  readonly alertsKey: kms.IKey;
  /** The CloudWatch Logs copy of the audit trail, for the security metric filters. */
  readonly auditLogGroup: logs.ILogGroup;
  /** What each stack asks to be watched (its `monitoring`), read only. */
  readonly sources: readonly MonitoredResources[];
}

/**
 * Alarms on every tier with thresholds from `monitoring.*`, the CloudTrail security metric filters, the
 * payment API's business-metric alarms, one dashboard and the monthly budget (ADR 0039). It only reads the
 * resources the other stacks hand over; nothing here changes them (ADR 0018).
 */
export class MonitoringStack extends Stack {
  readonly escalationTopic: sns.Topic;
  readonly alarms: AlarmFactory;
  readonly dashboard: cloudwatch.Dashboard;
  readonly budget: MonthlyBudget;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { monitoring } = config;
    const prefix = `Tessera-${config.envName}`;

    this.escalationTopic = createAlertTopic(this, 'Escalation', {
      displayName: `Tessera ${config.envName} critical alarms`,
      masterKey: props.alertsKey,
      emails: monitoring.escalationEmails,
    });

    this.alarms = new AlarmFactory(this, 'Alarms', {
      alarmNamePrefix: prefix,
      topics: { ...props.topics, escalation: this.escalationTopic },
      period: Duration.minutes(monitoring.periodMinutes),
      evaluationPeriods: monitoring.evaluationPeriods,
      datapointsToAlarm: monitoring.datapointsToAlarm,
    });

    const graphs = Object.fromEntries(DASHBOARD_SECTIONS.map((s) => [s, []])) as unknown as Graphs;
    for (const source of props.sources) watch(this.alarms, source, monitoring, graphs);

    const security = new SecurityMetricFilters(this, 'SecurityMetrics', {
      trailLogGroup: props.auditLogGroup,
      namespace: `Tessera/${config.envName}/CloudTrail`,
      alarms: this.alarms,
    });
    graphs.security.push(
      new cloudwatch.GraphWidget({
        title: 'CloudTrail security events (CIS 4.x)',
        left: Object.values(security.metrics),
        width: 24,
        height: 6,
      }),
    );

    this.alertOnFailedRotations(props.topics.operations);

    this.dashboard = this.buildDashboard(prefix, graphs);
    this.budget = new MonthlyBudget(this, 'Budget', {
      budgetName: `tessera-${config.envName}-monthly`,
      amountUsd: monitoring.budget.monthlyUsd,
      tag: { key: 'Environment', value: config.tags.Environment ?? config.envName },
      topic: props.topics.operations,
    });

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.dashboard.dashboardName}`,
      description: `CloudWatch dashboard of ${config.envName}: traffic, latency, errors, database, queues, security`,
    });
    new CfnOutput(this, 'EscalationTopicArn', {
      value: this.escalationTopic.topicArn,
      description: 'SNS topic paged by critical alarms (in addition to the operations topic)',
    });
  }

  /** A secret that failed to rotate keeps its old credentials: operations and escalation hear at once. */
  private alertOnFailedRotations(operations: sns.ITopic): void {
    const rule = new events.Rule(this, 'FailedRotations', {
      description:
        'Secrets Manager rotations that failed or were abandoned. Runbook: docs/runbooks/secret-rotation-failed.md',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: [...ROTATION_FAILURE_EVENTS] },
      },
    });
    // EventBridge publishes with its own role, granted here, so neither topic policy has to name this rule.
    for (const topic of [operations, this.escalationTopic]) {
      rule.addTarget(new targets.SnsTopic(topic, { authorizeUsingRole: true }));
    }
    const role = rule.node.findChild('EventsRole');
    acknowledge(
      role,
      ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      'Grant-generated policy bound one-to-one to the rule role: publish to the two alert topics and use of their key; inline so it is deleted with the rule',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'SNS asks for GenerateDataKey (and variants) to encrypt the message under the topic key; the statement is limited to that one key ARN',
    );
  }

  private buildDashboard(name: string, graphs: Graphs): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: name,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarms.alarms.map((a) => a.alarm),
        width: 24,
        height: 6,
      }),
    );
    for (const section of DASHBOARD_SECTIONS) {
      const widgets = graphs[section];
      const header = new cloudwatch.TextWidget({
        markdown:
          widgets.length > 0
            ? `## ${SECTION_TITLES[section]}`
            : `## ${SECTION_TITLES[section]}\nNo resource of this environment reports here yet.`,
        width: 24,
        height: widgets.length > 0 ? 1 : 2,
      });
      dashboard.addWidgets(header);
      if (widgets.length > 0) dashboard.addWidgets(...widgets);
    }
    return dashboard;
  }
}
