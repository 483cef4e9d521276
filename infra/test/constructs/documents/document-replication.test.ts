import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { DocumentBucket } from '../../../lib/constructs/documents/document-bucket.js';
import {
  DocumentReplication,
  type DocumentReplicationProps,
  REPLICATION_RULE_ID,
  replicaKeyStatement,
} from '../../../lib/constructs/documents/document-replication.js';
import { joined as text, LIFECYCLE } from '../../support/documents.js';
import { listAcknowledgements } from '../../support/synth.js';

const SOURCE = 'tessera-test-documents-111111111111-us-east-1';
const REPLICA = 'tessera-test-documents-dr-111111111111-us-west-2';
const ROLE = 'tessera-test-docs-replication-111111111111-us-east-1';
const arn = (bucket: string) => `arn:\${AWS::Partition}:s3:::${bucket}`;

function build(options: { objectLock?: boolean; props?: Partial<DocumentReplicationProps> } = {}) {
  const stack = new Stack(new App(), 'Docs', { env: { account: '111111111111', region: 'us-east-1' } });
  const source = new DocumentBucket(stack, 'Documents', {
    bucketName: SOURCE,
    keyAlias: 'alias/tessera/test/documents',
    description: 'test documents',
    lifecycle: LIFECYCLE,
    accessLogBucket: new s3.Bucket(stack, 'AccessLogs'),
    objectLockRetention: options.objectLock ? Duration.days(2557) : undefined,
  });
  const topic = new sns.Topic(stack, 'Operations');
  const replication = new DocumentReplication(stack, 'Replication', {
    source,
    destination: { bucketName: REPLICA, region: 'us-west-2', keyAlias: 'alias/tessera/test/documents-dr' },
    roleName: ROLE,
    timeControl: Duration.minutes(15),
    failedOperationsThreshold: 1,
    alarmTopic: topic,
    ...options.props,
  });
  const template = Template.fromStack(stack);
  return { stack, source, replication, template, ids: logicalIds(template) };
}

function logicalIds(t: Template) {
  const id = (type: string, prefix: string) =>
    Object.keys(t.findResources(type)).find((logicalId) => logicalId.startsWith(prefix))!;
  return {
    role: id('AWS::IAM::Role', 'ReplicationRole'),
    policy: id('AWS::IAM::ManagedPolicy', 'ReplicationPolicy'),
    key: id('AWS::KMS::Key', 'DocumentsKey'),
    bucket: Object.keys(t.findResources('AWS::S3::Bucket', { Properties: { BucketName: SOURCE } }))[0]!,
    topic: id('AWS::SNS::Topic', 'Operations'),
  };
}

const propertiesOf = (t: Template, logicalId: string) =>
  (t.toJSON().Resources[logicalId] as { Properties: Record<string, unknown> }).Properties;

describe('DocumentReplication', () => {
  it('replicates every SSE-KMS object and delete marker to the named replica with RTC, metrics and the replica key', () => {
    const { template, ids } = build();
    expect(text(propertiesOf(template, ids.bucket).ReplicationConfiguration)).toEqual({
      Role: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      Rules: [
        {
          Id: REPLICATION_RULE_ID,
          Priority: 1,
          Status: 'Enabled',
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Enabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: arn(REPLICA),
            EncryptionConfiguration: {
              ReplicaKmsKeyID:
                'arn:${AWS::Partition}:kms:us-west-2:111111111111:alias/tessera/test/documents-dr',
            },
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          },
        },
      ],
    });
  });

  it('starts replicating only after the role may (the bucket depends on the policy)', () => {
    const { template, ids } = build();
    expect(template.toJSON().Resources[ids.bucket].DependsOn).toContain(ids.policy);
  });

  it('creates the named role for S3 alone, with exactly these statements', () => {
    const { template, ids } = build();
    expect(propertiesOf(template, ids.role)).toMatchObject({
      RoleName: ROLE,
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
        ],
      },
    });
    expect(propertiesOf(template, ids.policy).Roles).toEqual([{ Ref: ids.role }]);
    expect(
      text((propertiesOf(template, ids.policy).PolicyDocument as { Statement: unknown }).Statement),
    ).toEqual([
      {
        Sid: 'ReadSourceReplicationConfiguration',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: arn(SOURCE),
      },
      {
        Sid: 'ReadSourceVersions',
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: `${arn(SOURCE)}/*`,
      },
      {
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `${arn(REPLICA)}/*`,
      },
      {
        Sid: 'DecryptWithSourceKey',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [ids.key, 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(SOURCE), `${arn(SOURCE)}/*`] },
        },
      },
      {
        Sid: 'EncryptWithReplicaKey',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt'],
        Resource: 'arn:${AWS::Partition}:kms:us-west-2:111111111111:key/*',
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/tessera/test/documents-dr'] },
          StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(REPLICA), `${arn(REPLICA)}/*`] },
        },
      },
    ]);
  });

  it('reads retention and legal holds too when the source has Object Lock', () => {
    const { template, ids } = build({ objectLock: true });
    const statements = (propertiesOf(template, ids.policy).PolicyDocument as { Statement: { Sid: string }[] })
      .Statement;
    expect(statements.find((s) => s.Sid === 'ReadSourceVersions')).toMatchObject({
      Action: [
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        's3:GetObjectRetention',
        's3:GetObjectLegalHold',
      ],
    });
  });

  it('lets the role decrypt with the source key in the key policy, only through S3 for the source bucket', () => {
    const { template, ids } = build();
    const statements = text(
      (propertiesOf(template, ids.key).KeyPolicy as { Statement: unknown[] }).Statement,
    ) as unknown[];
    expect(statements).toHaveLength(2);
    expect(statements[1]).toEqual({
      Sid: 'AllowDocumentsReplicationRoleThroughS3',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::GetAtt': [ids.role, 'Arn'] } },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(SOURCE), `${arn(SOURCE)}/*`] },
      },
    });
  });

  it('alarms the topic when one operation fails to replicate within five minutes', () => {
    const { template, ids } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'OperationsFailedReplication',
      Dimensions: [
        { Name: 'DestinationBucket', Value: REPLICA },
        { Name: 'RuleId', Value: REPLICATION_RULE_ID },
        { Name: 'SourceBucket', Value: SOURCE },
      ],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  it('exposes the replication metrics in the regions S3 publishes them', () => {
    const { replication } = build();
    expect(replication.metricReplicationLatency()).toMatchObject({
      metricName: 'ReplicationLatency',
      region: 'us-west-2',
      statistic: 'Maximum',
      dimensions: { SourceBucket: SOURCE, DestinationBucket: REPLICA, RuleId: REPLICATION_RULE_ID },
    });
    expect(replication.metricOperationsPendingReplication().region).toBe('us-west-2');
    expect(replication.metricBytesPendingReplication().region).toBe('us-west-2');
    expect(replication.metricOperationsFailedReplication()).toMatchObject({
      region: 'us-east-1',
      statistic: 'Sum',
    });
  });

  it('acknowledges exactly the three wildcard resources of the role policy', () => {
    const { replication } = build();
    expect(listAcknowledgements(replication.policy).map((a) => a.id.replace(/^.*?::/, ''))).toEqual([
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${SOURCE}/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${REPLICA}/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-west-2:111111111111:key/*]',
    ]);
  });

  it('refuses a destination in the source region and a time control S3 does not offer', () => {
    expect(() =>
      build({ props: { destination: { bucketName: REPLICA, region: 'us-east-1', keyAlias: 'alias/x' } } }),
    ).toThrow(/destination region us-east-1 is the source region/);
    expect(() => build({ props: { timeControl: Duration.minutes(30) } })).toThrow(
      /timeControl is 30 minutes; S3 offers 15 minutes only/,
    );
  });
});

describe('replicaKeyStatement (the replica key, in the destination region)', () => {
  it('admits the named role through its ARN as a condition, only through S3 of that region, for the replica bucket', () => {
    const stack = new Stack(new App(), 'Dr', { env: { account: '111111111111', region: 'us-west-2' } });
    const statement = stack.resolve(
      replicaKeyStatement(stack, { roleName: ROLE, replicaBucketName: REPLICA }).toStatementJson(),
    );
    expect(text(statement)).toEqual({
      Sid: 'AllowDocumentsReplicationRoleThroughS3',
      Effect: 'Allow',
      Principal: { AWS: 'arn:${AWS::Partition}:iam::111111111111:root' },
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': `arn:\${AWS::Partition}:iam::111111111111:role/${ROLE}` },
        StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(REPLICA), `${arn(REPLICA)}/*`] },
      },
    });
  });
});
