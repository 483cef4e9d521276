import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { acknowledge } from '../compliance/acknowledge.js';
import { AccessLogBucket } from '../constructs/access-log-bucket.js';
import { DocumentBucket } from '../constructs/documents/document-bucket.js';
import { REPLICATION_RULE_ID, replicaKeyStatement } from '../constructs/documents/document-replication.js';
import { replicationMetric } from '../constructs/documents/replication-metrics.js';
import { alertPublishersKeyStatement, createAlertTopic } from '../constructs/security/alert-topics.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';
import {
  documentsBucketName,
  documentsReplicaBucketName,
  documentsReplicaKeyAlias,
  documentsReplicationRoleName,
} from './documents-names.js';
import { documentRetention } from './documents-stack.js';

export interface DocumentsDrStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The DR region's side of the documents (ADR 0030): the replica bucket with its own key and the same lifecycle
 * and retention, and the replication-latency alarm, which must live here because S3 publishes the latency metric
 * in the destination region, on an operations topic of this region that keeps working when the primary is down.
 */
export class DocumentsDrStack extends Stack {
  readonly replica: DocumentBucket;
  readonly operationsTopic: sns.ITopic;
  readonly replicationLatencyAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DocumentsDrStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { documents } = config;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: uniqueName(this, 'documents-dr-logs'),
      expirationDays: documents.accessLogRetentionDays,
      removalPolicy,
    });
    this.replica = new DocumentBucket(this, 'Replica', {
      bucketName: documentsReplicaBucketName(config),
      keyAlias: documentsReplicaKeyAlias(config),
      description: `replicas of the ${config.envName} documents bucket (DR region)`,
      ...documentRetention(documents),
      accessLogBucket: accessLogs.bucket,
      removalPolicy,
    });
    this.replica.key.addToResourcePolicy(
      replicaKeyStatement(this, {
        roleName: documentsReplicationRoleName(config),
        replicaBucketName: documentsReplicaBucketName(config),
      }),
    );
    acknowledge(
      this.replica.bucket,
      ['PCI.DSS.321-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      'This bucket is the cross-region replica of the documents bucket (the DR copy itself); replicating it on ' +
        'would copy the primary region back onto itself.',
    );

    const alertsKey = new kms.Key(this, 'AlertsKey', {
      description: 'Encrypts the Tessera operations alert topic of the DR region',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    alertsKey.addToResourcePolicy(alertPublishersKeyStatement());
    this.operationsTopic = createAlertTopic(this, 'OperationsAlerts', {
      displayName: `Tessera operations alerts (${this.region})`,
      masterKey: alertsKey,
      emails: [config.alertEmails.operations],
    });

    const { alarms } = documents.replication;
    this.replicationLatencyAlarm = new cloudwatch.Alarm(this, 'ReplicationLatency', {
      alarmDescription:
        `The DR copy of the ${config.envName} documents is ${alarms.latencySeconds} s or more behind for ` +
        `${alarms.latencyMinutes} minutes (RTC objective ${documents.replication.timeControlMinutes} min); ` +
        'see docs/runbooks/restore.md (documents)',
      metric: replicationMetric('ReplicationLatency', {
        sourceBucket: documentsBucketName(config),
        destinationBucket: documentsReplicaBucketName(config),
        ruleId: REPLICATION_RULE_ID,
        sourceRegion: config.regions.primary,
        destinationRegion: this.region,
      }),
      threshold: alarms.latencySeconds,
      evaluationPeriods: alarms.latencyMinutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // S3 publishes latency even when nothing replicates; a gap is no evidence of lag (failures alarm separately).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.replicationLatencyAlarm.addAlarmAction(new actions.SnsAction(this.operationsTopic));

    new CfnOutput(this, 'ReplicaBucketName', {
      value: this.replica.bucketName,
      description: 'DR-region replica of the documents bucket (read it during a regional outage)',
    });
    new CfnOutput(this, 'ReplicaKeyArn', {
      value: this.replica.key.keyArn,
      description: 'KMS key of the replica bucket (DR region)',
    });
  }
}
