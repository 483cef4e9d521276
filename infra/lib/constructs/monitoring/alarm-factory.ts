import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * Who hears about an alarm. `critical`: operations and escalation, with OK actions so the pager learns of the
 * recovery too; each has a runbook. `warning`: operations only, no OK message. `security`: the security topic.
 */
export type AlarmSeverity = 'critical' | 'warning' | 'security';

/** The dashboard rows alarms and graphs are filed under. */
export const DASHBOARD_SECTIONS = ['traffic', 'latency', 'errors', 'database', 'queue', 'security'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

export interface AlarmSpec {
  /** Construct id and the end of the alarm name (`Tessera-<env>-<id>`). */
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  /** Chosen per alarm: what a gap in the metric means for it. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly severity: AlarmSeverity;
  /** What the alarm means, in one sentence. */
  readonly description: string;
  /** The runbook page under docs/runbooks/ (required for critical alarms). */
  readonly runbook?: string;
  readonly section: DashboardSection;
  /** @default the factory's */
  readonly evaluationPeriods?: number;
  /** @default the factory's */
  readonly datapointsToAlarm?: number;
}

export interface AlarmFactoryProps {
  readonly alarmNamePrefix: string;
  readonly topics: {
    readonly operations: sns.ITopic;
    readonly escalation: sns.ITopic;
    readonly security: sns.ITopic;
  };
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** Creates alarms with the actions their severity asks for and remembers them for the dashboard. */
export class AlarmFactory extends Construct {
  readonly alarms: { readonly alarm: cloudwatch.Alarm; readonly spec: AlarmSpec }[] = [];
  readonly period: Duration;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlarmFactoryProps,
  ) {
    super(scope, id);
    this.period = props.period;
  }

  add(spec: AlarmSpec): cloudwatch.Alarm {
    if (spec.severity === 'critical' && !spec.runbook) {
      throw new Error(`critical alarm ${spec.id} needs a runbook page`);
    }
    const runbook = spec.runbook ? ` Runbook: docs/runbooks/${spec.runbook}.md` : '';
    const alarm = new cloudwatch.Alarm(this, spec.id, {
      alarmName: `${this.props.alarmNamePrefix}-${spec.id}`,
      alarmDescription: `${spec.description}${runbook}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods ?? this.props.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods ?? this.props.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    const { operations, escalation, security } = this.props.topics;
    const targets =
      spec.severity === 'critical'
        ? [operations, escalation]
        : spec.severity === 'warning'
          ? [operations]
          : [security];
    for (const topic of targets) alarm.addAlarmAction(new actions.SnsAction(topic));
    if (spec.severity === 'critical') {
      for (const topic of targets) alarm.addOkAction(new actions.SnsAction(topic));
    }
    this.alarms.push({ alarm, spec });
    return alarm;
  }

  /** A metric with this factory's period. */
  metric(props: Omit<cloudwatch.MetricProps, 'period'>): cloudwatch.Metric {
    return new cloudwatch.Metric({ ...props, period: this.period });
  }

  /** A math expression over metrics, evaluated at this factory's period. */
  expression(
    label: string,
    expression: string,
    usingMetrics: Record<string, cloudwatch.IMetric>,
  ): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({ label, expression, usingMetrics, period: this.period });
  }
}
