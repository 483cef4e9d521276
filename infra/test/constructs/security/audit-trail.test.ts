import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
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

  it('locks every trail log file (Object Lock default retention) without replacing the bucket', () => {
    const template = build({ bucketRetentionDays: 2557, objectLock: { mode: 'COMPLIANCE', days: 365 } });
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')).filter(
      (b) => b.Properties.ObjectLockConfiguration !== undefined,
    );
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
    });
    // The top-level ObjectLockEnabled would replace an existing bucket; the configuration alone updates in place.
    expect(buckets[0]?.Properties.ObjectLockEnabled).toBeUndefined();
    expect(buckets[0]?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('refuses a lock shorter than a year, longer than the retention, or COMPLIANCE on a disposable bucket', () => {
    expect(() => build({ objectLock: { mode: 'GOVERNANCE', days: 90 } })).toThrow(
      'audit log object lock: days must be a whole number from 365 (PCI DSS 10.5.1) to the retention (365), got 90',
    );
    expect(() => build({ objectLock: { mode: 'GOVERNANCE', days: 400 } })).toThrow(
      /to the retention \(365\), got 400/,
    );
    expect(() =>
      build({ objectLock: { mode: 'COMPLIANCE', days: 365 }, removalPolicy: RemovalPolicy.DESTROY }),
    ).toThrow(/COMPLIANCE mode with RemovalPolicy.DESTROY/);
  });

  it('refuses a bucket retention below one year', () => {
    expect(() => build({ bucketRetentionDays: 90 })).toThrow(/>= 365 \(PCI DSS 10\.5\.1\), got 90/);
  });
});
