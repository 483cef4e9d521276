import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { AuditTrail, type AuditTrailProps } from '../../../lib/constructs/security/audit-trail.js';

const env = { account: '111111111111', region: 'eu-west-1' };

function build(props: Partial<AuditTrailProps> = {}): Template {
  const stack = new Stack(new App(), 'Test', { env });
  const encryptionKey = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
  new AuditTrail(stack, 'Audit', { encryptionKey, trailName: 'tessera-test-trail', ...props });
  return Template.fromStack(stack);
}

describe('AuditTrail', () => {
  it('records all regions with log-file validation, KMS and CloudWatch Logs delivery', () => {
    const template = build();
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'tessera-test-trail',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
      CloudWatchLogsRoleArn: Match.anyValue(),
      S3BucketName: { Ref: Match.stringLikeRegexp('^AuditLogsBucket') },
    });
  });

  it('encrypts the log group and applies the configured retention', () => {
    const template = build({
      logGroupRetention: logs.RetentionDays.TWO_YEARS,
      logGroupName: '/tessera/test/trail',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/tessera/test/trail',
      RetentionInDays: 731,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
    });
  });

  it('stores logs in a KMS-encrypted, versioned, private, access-logged bucket with retention', () => {
    const template = build({ bucketRetentionDays: 2557 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
            },
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditLogsAccessLogs') },
        LogFilePrefix: Match.stringLikeRegexp('^access-logs/'),
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ ExpirationInDays: 2557, NoncurrentVersionExpiration: { NoncurrentDays: 2557 } }),
        ],
      },
    });
  });

  it('denies non-TLS access to the log bucket', () => {
    const template = build();
    const policies = template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('^AuditLogsBucket') } },
    });
    const statements = Object.values(policies)[0]?.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
  });

  it('lets CloudTrail use the key only for this trail', () => {
    const template = build();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogs',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringEquals: {
                'aws:SourceArn': {
                  'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':trail/tessera-test-trail$')])],
                },
              },
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Match.anyValue() },
            },
          }),
          Match.objectLike({ Sid: 'AllowCloudTrailToDescribeKey', Action: 'kms:DescribeKey' }),
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsForTheTrailLogGroup',
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('refuses a bucket retention below one year', () => {
    expect(() => build({ bucketRetentionDays: 90 })).toThrow(/>= 365 \(PCI DSS 10\.5\.1\), got 90/);
  });
});
