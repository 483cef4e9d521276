import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** One S3 replication rule, as the `AWS/S3` replication metrics name it (dimensions). */
export interface ReplicationRuleId {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly ruleId: string;
  readonly sourceRegion: string;
  readonly destinationRegion: string;
}

/**
 * S3 replication metrics (published only with replication metrics on, i.e. with Replication Time Control) and
 * where S3 publishes them: latency and pending work in the destination bucket's region, failures in the source's.
 */
export const REPLICATION_METRICS = {
  ReplicationLatency: { publishedIn: 'destination', statistic: 'Maximum' },
  BytesPendingReplication: { publishedIn: 'destination', statistic: 'Maximum' },
  OperationsPendingReplication: { publishedIn: 'destination', statistic: 'Maximum' },
  OperationsFailedReplication: { publishedIn: 'source', statistic: 'Sum' },
} as const;

export type ReplicationMetricName = keyof typeof REPLICATION_METRICS;

/** A replication metric of one rule, in the region S3 publishes it (an alarm on it must live in that region). */
export function replicationMetric(
  metricName: ReplicationMetricName,
  rule: ReplicationRuleId,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  const { publishedIn, statistic } = REPLICATION_METRICS[metricName];
  return new cloudwatch.Metric({
    namespace: 'AWS/S3',
    metricName,
    dimensionsMap: {
      SourceBucket: rule.sourceBucket,
      DestinationBucket: rule.destinationBucket,
      RuleId: rule.ruleId,
    },
    region: publishedIn === 'source' ? rule.sourceRegion : rule.destinationRegion,
    statistic,
    period: Duration.minutes(1),
    ...options,
  });
}
