import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import {
  ConfigRecorder,
  type ConfigRecorderProps,
} from '../../../lib/constructs/security/config-recorder.js';

function build(props: Partial<ConfigRecorderProps> = {}): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const encryptionKey = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
  new ConfigRecorder(stack, 'Config', { encryptionKey, ...props });
  return Template.fromStack(stack);
}

describe('ConfigRecorder', () => {
  it('records all supported resource types, including global ones, through the service-linked role', () => {
    const template = build();
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RecordingMode: { RecordingFrequency: 'CONTINUOUS' },
      RoleARN: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            Match.stringLikeRegexp(':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig$'),
          ]),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::ServiceLinkedRole', { AWSServiceName: 'config.amazonaws.com' });
  });

  it('can rely on an existing service-linked role and skip global types', () => {
    const template = build({ createServiceLinkedRole: false, includeGlobalResourceTypes: false });
    expect(template.findResources('AWS::IAM::ServiceLinkedRole')).toEqual({});
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false },
    });
  });

  it('delivers KMS-encrypted history to a versioned, access-logged bucket after the recorder exists', () => {
    const template = build({ retentionDays: 2557 });
    const channels = template.findResources('AWS::Config::DeliveryChannel');
    const [channel] = Object.values(channels);
    expect(channel?.Properties).toMatchObject({
      S3KeyPrefix: 'config',
      S3KmsKeyArn: { 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] },
      S3BucketName: { Ref: expect.stringMatching(/^ConfigHistoryBucket/) },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
    });
    expect(channel?.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ConfigRecorder/),
        expect.stringMatching(/^ConfigHistoryBucketPolicy/),
      ]),
    );
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.anyValue(),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2557 })] },
    });
  });

  it('grants Config (this account only) the bucket and key access it needs to deliver', () => {
    const template = build();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AWSConfigBucketPermissionsCheck' }),
          Match.objectLike({
            Sid: 'AWSConfigBucketDelivery',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceAccount': '111111111111',
              },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAWSConfigToEncryptDeliveries',
            Principal: { Service: 'config.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
  });
});
