import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { noncurrentLogVersionRetention } from '../log-bucket.js';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface VpcFlowLogsProps {
  readonly vpc: ec2.IVpc;
  /** Key for the log group and the bucket; its policy must admit CloudWatch Logs and log delivery. */
  readonly encryptionKey: kms.IKey;
  /** Log group name (unique per environment, account and region). */
  readonly logGroupName: string;
  /** Retention of the CloudWatch Logs copy. */
  readonly retention: logs.RetentionDays;
  /** Bucket name for the S3 copy (unique per environment, account and region). */
  readonly bucketName: string;
  /** Server access log target for the flow-log bucket. */
  readonly accessLogBucket: s3.IBucket;
  /** Days after which flow-log objects expire. */
  readonly expirationDays: number;
  /**
   * Days after which flow-log objects move to Glacier Instant Retrieval; 0 keeps them in Standard.
   * @default 0
   */
  readonly glacierTransitionDays?: number;
  /**
   * Removal policy of the log group and the bucket; with DESTROY the bucket is emptied on deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Flow logs of all traffic, to a KMS-encrypted log group and to a KMS-encrypted, versioned, TLS-only bucket. */
export class VpcFlowLogs extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const transition = props.glacierTransitionDays ?? 0;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: `${props.bucketName}/`,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      lifecycleRules: [
        {
          id: 'flow-log-retention',
          expiration: Duration.days(props.expirationDays),
          // Deleted or overwritten flow logs stay recoverable (up to a year in prod, PCI DSS 10.5.1).
          noncurrentVersionExpiration: noncurrentLogVersionRetention(Duration.days(props.expirationDays)),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          transitions:
            transition > 0
              ? [
                  {
                    storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                    transitionAfter: Duration.days(transition),
                  },
                ]
              : [],
        },
      ],
    });
    this.allowLogDelivery(this.bucket);

    const reasonReplication =
      'Flow logs are written to two independent destinations (this bucket and a KMS-encrypted CloudWatch ' +
      'Logs group); versioning and lifecycle protect the S3 copy, so a cross-region replica adds no recovery value.';
    acknowledge(
      this.bucket,
      ['PCI.DSS.321-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      reasonReplication,
    );

    // A managed policy instead of the inline DefaultPolicy CDK would add (PCI/NIST IAMNoInlinePolicy); the role
    // is handed over without policy updates so CDK does not add one anyway.
    const deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets VPC Flow Logs write to its CloudWatch Logs group',
    });
    deliveryRole.addManagedPolicy(
      new iam.ManagedPolicy(this, 'DeliveryPolicy', {
        description: 'Write VPC flow log events to one log group',
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [this.logGroup.logGroupArn],
          }),
        ],
      }),
    );

    props.vpc.addFlowLog('ToCloudWatch', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        this.logGroup,
        deliveryRole.withoutPolicyUpdates(),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    props.vpc.addFlowLog('ToS3', {
      destination: ec2.FlowLogDestination.toS3(this.bucket, undefined, {
        fileFormat: ec2.FlowLogFileFormat.PARQUET,
        hiveCompatiblePartitions: true,
        perHourPartition: true,
      }),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }

  /**
   * The bucket policy statements the log-delivery service needs, written by us: if the service added them on
   * first delivery, the next CloudFormation update of the bucket policy would remove them again.
   */
  private allowLogDelivery(bucket: s3.Bucket): void {
    const { account, region, partition } = Stack.of(this);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` },
    };
    const delivery = new iam.ServicePrincipal('delivery.logs.amazonaws.com');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [delivery],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${account}/*`)],
        conditions: {
          ...conditions,
          StringEquals: { ...conditions.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryAclCheck',
        principals: [delivery],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions,
      }),
    );
  }
}
