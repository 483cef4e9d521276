import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AlarmFactory } from './alarm-factory.js';

const anyEvent = (...names: string[]) => names.map((n) => `($.eventName = ${n})`).join(' || ');

/**
 * The CloudTrail metric filters of the CIS AWS Foundations Benchmark (section 4 / Security Hub CloudWatch.1–14)
 * that PCI DSS 10.4.1 asks to review: each counts matching trail events; any match alarms the security topic.
 */
export const SECURITY_METRIC_FILTERS = {
  RootAccountUsage: {
    cis: '4.3',
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    description: 'The root user signed in or called an API',
  },
  UnauthorizedApiCalls: {
    cis: '4.1',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    description: 'An API call was refused for lack of permission',
  },
  ConsoleSignInWithoutMfa: {
    cis: '4.2',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ' +
      '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    description: 'An IAM user signed in to the console without MFA',
  },
  IamPolicyChanges: {
    cis: '4.4',
    pattern: `{ ${anyEvent(
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    )} }`,
    description: 'An IAM policy was created, changed, attached or detached',
  },
  CloudTrailChanges: {
    cis: '4.5',
    pattern: `{ ${anyEvent('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging')} }`,
    description: 'A CloudTrail trail was created, changed, deleted, started or stopped',
  },
  ConfigChanges: {
    cis: '4.9',
    pattern: `{ ($.eventSource = config.amazonaws.com) && (${anyEvent(
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'PutDeliveryChannel',
      'PutConfigurationRecorder',
    )}) }`,
    description: 'The AWS Config recorder or delivery channel was stopped, changed or deleted',
  },
  KmsKeyDisabledOrScheduledForDeletion: {
    cis: '4.7',
    pattern: `{ ($.eventSource = kms.amazonaws.com) && (${anyEvent('DisableKey', 'ScheduleKeyDeletion')}) }`,
    description: 'A customer-managed KMS key was disabled or scheduled for deletion',
  },
  S3BucketPolicyChanges: {
    cis: '4.8',
    pattern: `{ ($.eventSource = s3.amazonaws.com) && (${anyEvent(
      'PutBucketAcl',
      'PutBucketPolicy',
      'PutBucketCors',
      'PutBucketLifecycle',
      'PutBucketReplication',
      'DeleteBucketPolicy',
      'DeleteBucketCors',
      'DeleteBucketLifecycle',
      'DeleteBucketReplication',
    )}) }`,
    description: 'An S3 bucket policy, ACL, CORS, lifecycle or replication configuration changed',
  },
  SecurityGroupChanges: {
    cis: '4.10',
    pattern: `{ ${anyEvent(
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    )} }`,
    description: 'A security group or one of its rules was created, changed or deleted',
  },
  NetworkAclChanges: {
    cis: '4.11',
    pattern: `{ ${anyEvent(
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    )} }`,
    description: 'A network ACL or one of its entries was created, changed or deleted',
  },
  RouteTableChanges: {
    cis: '4.13',
    pattern: `{ ($.eventSource = ec2.amazonaws.com) && (${anyEvent(
      'CreateRoute',
      'CreateRouteTable',
      'ReplaceRoute',
      'ReplaceRouteTableAssociation',
      'DeleteRouteTable',
      'DeleteRoute',
      'DisassociateRouteTable',
    )}) }`,
    description: 'A route or route table was created, changed or deleted',
  },
} as const;

export type SecurityMetricName = keyof typeof SECURITY_METRIC_FILTERS;

export interface SecurityMetricFiltersProps {
  /** The CloudWatch Logs copy of the audit trail (another stack's; the filters are created here). */
  readonly trailLogGroup: logs.ILogGroup;
  /** Namespace of the counted metrics. */
  readonly namespace: string;
  readonly alarms: AlarmFactory;
}

/** One metric filter and one security alarm per {@link SECURITY_METRIC_FILTERS} entry. */
export class SecurityMetricFilters extends Construct {
  readonly metrics: Record<SecurityMetricName, cloudwatch.Metric>;

  constructor(scope: Construct, id: string, props: SecurityMetricFiltersProps) {
    super(scope, id);
    const metrics: Partial<Record<SecurityMetricName, cloudwatch.Metric>> = {};
    for (const [name, filter] of Object.entries(SECURITY_METRIC_FILTERS) as [
      SecurityMetricName,
      (typeof SECURITY_METRIC_FILTERS)[SecurityMetricName],
    ][]) {
      // Created in this scope (not with trailLogGroup.addMetricFilter) so the trail's stack stays unchanged.
      const metricFilter = new logs.MetricFilter(this, name, {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(filter.pattern),
        metricNamespace: props.namespace,
        metricName: name,
        metricValue: '1',
      });
      const metric = metricFilter.metric({ statistic: 'Sum', period: Duration.minutes(5) });
      metrics[name] = metric;
      props.alarms.add({
        id: `Security-${name}`,
        metric,
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // The filter publishes only on a match: no data is no such event.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        severity: 'security',
        description: `${filter.description} (CIS AWS Foundations ${filter.cis}, PCI DSS 10.4.1).`,
        section: 'security',
        evaluationPeriods: 1,
      });
    }
    this.metrics = metrics as Record<SecurityMetricName, cloudwatch.Metric>;
  }
}
