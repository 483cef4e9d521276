import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { bucketArnOf, type DocumentBucket } from './document-bucket.js';
import {
  replicationMetric,
  type ReplicationMetricName,
  type ReplicationRuleId,
} from './replication-metrics.js';

/** Id of the one replication rule; the replication metrics carry it as their `RuleId` dimension. */
export const REPLICATION_RULE_ID = 'documents-to-dr';

/** Where the replicas go: named, not referenced, so the source stack holds no reference into the other region. */
export interface ReplicaLocation {
  readonly bucketName: string;
  readonly region: string;
  /** Alias of the replica key in that region (`alias/...`); S3 accepts its alias ARN as `ReplicaKmsKeyID`. */
  readonly keyAlias: string;
}

export interface DocumentReplicationProps {
  readonly source: DocumentBucket;
  readonly destination: ReplicaLocation;
  /** Name of the replication role: fixed, so the replica key's policy can name the role before it exists. */
  readonly roleName: string;
  /** S3 Replication Time Control threshold (S3 offers 15 minutes only). */
  readonly timeControl: Duration;
  /** Alarm when this many operations or more fail to replicate within five minutes. */
  readonly failedOperationsThreshold: number;
  /** Receives the failed-replication alarm (a topic of the source region). */
  readonly alarmTopic: sns.ITopic;
}

/** S3's KMS encryption context for objects of a bucket with S3 Bucket Keys (the bucket ARN), or without them. */
function s3EncryptionContexts(bucketArn: string): string[] {
  return [bucketArn, `${bucketArn}/*`];
}

/**
 * The replica key's policy statement for the replication role, in the destination region's stack. The role is
 * named through a condition, not as the principal: KMS refuses a key policy whose principal does not exist yet,
 * and the role is created after the destination (ADR 0030).
 */
export function replicaKeyStatement(
  scope: Construct,
  props: { readonly roleName: string; readonly replicaBucketName: string },
): iam.PolicyStatement {
  const stack = Stack.of(scope);
  return new iam.PolicyStatement({
    sid: 'AllowDocumentsReplicationRoleThroughS3',
    principals: [new iam.AccountPrincipal(stack.account)],
    actions: ['kms:Encrypt', 'kms:Decrypt'],
    resources: ['*'],
    conditions: {
      ArnEquals: { 'aws:PrincipalArn': roleArnOf(scope, props.roleName) },
      StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': s3EncryptionContexts(bucketArnOf(scope, props.replicaBucketName)),
      },
    },
  });
}

function roleArnOf(scope: Construct, roleName: string): string {
  return Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
}

/**
 * Cross-region replication of a documents bucket: every object (SSE-KMS selected explicitly), delete markers,
 * Replication Time Control with replication metrics and events, replicas encrypted with the destination region's
 * own key; a least-privilege role; an alarm on failed operations; the replication metrics for dashboards.
 */
export class DocumentReplication extends Construct {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  readonly failedReplicationAlarm: cloudwatch.Alarm;
  readonly rule: ReplicationRuleId;
  /** The replica bucket's ARN and the replica key's alias ARN, as the replication configuration renders them. */
  readonly destinationBucketArn: string;
  readonly replicaKeyAliasArn: string;

  constructor(scope: Construct, id: string, props: DocumentReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { source, destination } = props;
    if (destination.region === stack.region) {
      throw new Error(`document replication: destination region ${destination.region} is the source region`);
    }
    if (!destination.keyAlias.startsWith('alias/')) {
      throw new Error(`document replication: keyAlias '${destination.keyAlias}' must start with 'alias/'`);
    }
    const minutes = props.timeControl.toMinutes();
    if (minutes !== 15) {
      throw new Error(`document replication: timeControl is ${minutes} minutes; S3 offers 15 minutes only`);
    }

    const sourceBucketName = source.bucketName;
    const sourceBucketArn = source.bucketArn;
    this.destinationBucketArn = bucketArnOf(this, destination.bucketName);
    this.replicaKeyAliasArn = stack.formatArn({
      service: 'kms',
      region: destination.region,
      resource: 'alias',
      resourceName: destination.keyAlias.slice('alias/'.length),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.rule = {
      sourceBucket: sourceBucketName,
      destinationBucket: destination.bucketName,
      ruleId: REPLICATION_RULE_ID,
      sourceRegion: stack.region,
      destinationRegion: destination.region,
    };

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replication of ${sourceBucketName} to ${destination.bucketName} (${destination.region})`,
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Replicate the documents bucket to its DR-region replica, nothing else',
      roles: [this.role],
      statements: this.statements(sourceBucketArn, source, destination),
    });
    source.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowDocumentsReplicationRoleThroughS3',
        principals: [this.role],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': s3EncryptionContexts(sourceBucketArn) },
        },
      }),
    );

    const cfnBucket = source.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.replicationConfiguration = {
      role: this.role.roleArn,
      rules: [
        {
          id: REPLICATION_RULE_ID,
          priority: 1,
          status: 'Enabled',
          filter: { prefix: '' },
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: this.destinationBucketArn,
            encryptionConfiguration: { replicaKmsKeyId: this.replicaKeyAliasArn },
            replicationTime: { status: 'Enabled', time: { minutes } },
            metrics: { status: 'Enabled', eventThreshold: { minutes } },
          },
        },
      ],
    };
    // Replication starts once the role may replicate.
    cfnBucket.node.addDependency(this.policy);

    this.failedReplicationAlarm = new cloudwatch.Alarm(this, 'FailedReplication', {
      alarmDescription:
        `Objects of ${sourceBucketName} failed to replicate to ${destination.bucketName} (${destination.region}); ` +
        'see docs/runbooks/restore.md (documents)',
      metric: this.metricOperationsFailedReplication({ period: Duration.minutes(5) }),
      threshold: props.failedOperationsThreshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // S3 publishes the metric only when an operation fails.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedReplicationAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    this.acknowledgeRole(sourceBucketName, destination);
  }

  /** Seconds the replica is behind (maximum a minute); published in the destination region. */
  metricReplicationLatency(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLatency', options);
  }

  /** Bytes waiting to replicate; published in the destination region. */
  metricBytesPendingReplication(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesPendingReplication', options);
  }

  /** Operations (objects, delete markers, tags, Object Lock) waiting to replicate; destination region. */
  metricOperationsPendingReplication(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OperationsPendingReplication', options);
  }

  /** Operations that failed to replicate (sum a minute); published in the source region. */
  metricOperationsFailedReplication(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OperationsFailedReplication', options);
  }

  private metric(name: ReplicationMetricName, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return replicationMetric(name, this.rule, options);
  }

  /**
   * Exactly what S3 replication calls, per the S3 user guide (replication with SSE-KMS and S3 Bucket Keys, and
   * with Object Lock): read the source configuration and versions, write replicas, decrypt with the source key
   * and encrypt with the replica key, each only through S3 and only for these two buckets.
   */
  private statements(
    sourceBucketArn: string,
    source: DocumentBucket,
    destination: ReplicaLocation,
  ): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const replicaKeys = stack.formatArn({
      service: 'kms',
      region: destination.region,
      resource: 'key',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return [
      new iam.PolicyStatement({
        sid: 'ReadSourceReplicationConfiguration',
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [sourceBucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadSourceVersions',
        actions: [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
          ...(source.objectLockEnabled ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
        ],
        resources: [`${sourceBucketArn}/*`],
      }),
      new iam.PolicyStatement({
        sid: 'WriteReplicas',
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        resources: [`${this.destinationBucketArn}/*`],
      }),
      new iam.PolicyStatement({
        sid: 'DecryptWithSourceKey',
        actions: ['kms:Decrypt'],
        resources: [source.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': s3EncryptionContexts(sourceBucketArn) },
        },
      }),
      // The replica key is known by its alias only (no reference into the other region): any key of that region
      // that carries the alias. Decrypt verifies the destination's S3 Bucket Key.
      new iam.PolicyStatement({
        sid: 'EncryptWithReplicaKey',
        actions: ['kms:Encrypt', 'kms:Decrypt'],
        resources: [replicaKeys],
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [destination.keyAlias] },
          StringEquals: { 'kms:ViaService': `s3.${destination.region}.amazonaws.com` },
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': s3EncryptionContexts(this.destinationBucketArn),
          },
        },
      }),
    ];
  }

  private acknowledgeRole(sourceBucketName: string, destination: ReplicaLocation): void {
    const objects = (bucket: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/*]`;
    const why =
      'S3 replication reads and writes every object version of the replicated bucket, so the resource is all ' +
      'objects of exactly that bucket';
    acknowledge(this.policy, objects(sourceBucketName), `${why} (the source).`);
    acknowledge(this.policy, objects(destination.bucketName), `${why} (the DR replica).`);
    acknowledge(
      this.policy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${destination.region}:${Stack.of(this).account}:key/*]`,
      'The replica key lives in the DR region and is named by its alias (no cross-region reference); the ' +
        'kms:ResourceAliases condition limits the statement to the key carrying that alias, used by S3 for the replica bucket.',
    );
  }
}
