import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PCI_DSS_V4_RULES } from '../../lib/compliance/pci-dss-v4-rules.js';
import { describeFindings, synthEnvironment, type SynthesizedEnvironment } from '../support/synth.js';

const LOGS_KEY = /^KeysLogs/;

function securityFindings(env: SynthesizedEnvironment): string {
  return describeFindings(env.report.findings.filter((f) => f.constructPath.includes('-Security/')));
}

describe('SecurityStack (dev)', () => {
  let env: SynthesizedEnvironment;
  let template: Template;
  beforeAll(() => {
    env = synthEnvironment('dev');
    template = env.template(env.stacks.security);
  });

  it('has no unacknowledged compliance finding', () => {
    expect(securityFindings(env)).toBe('');
  });

  it('records a multi-region, validated, KMS-encrypted trail to S3 and CloudWatch Logs', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'tessera-dev-audit',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp(LOGS_KEY.source), 'Arn'] },
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      S3BucketName: { Ref: Match.stringLikeRegexp('TrailLogsBucket') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'tessera-dev-cloudtrail-111111111111-us-east-1',
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp(LOGS_KEY.source), 'Arn'] },
    });
  });

  it('keeps trail logs in a named, KMS-encrypted, versioned, private, access-logged bucket for a year', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-dev-trail-111111111111-us-east-1',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp(LOGS_KEY.source), 'Arn'] },
            },
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('TrailLogsAccessLogs') },
        LogFilePrefix: Match.anyValue(),
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('TrailLogsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets CloudTrail use the logs key only for the Tessera trail', () => {
    const keys = template.findResources('AWS::KMS::Key');
    const logsKey = Object.entries(keys).find(([id]) => LOGS_KEY.test(id))?.[1];
    const statements = logsKey?.Properties.KeyPolicy.Statement as { Sid?: string; Condition?: unknown }[];
    const encrypt = statements.find((s) => s.Sid === 'AllowCloudTrailToEncryptLogs');
    expect(JSON.stringify(encrypt?.Condition)).toContain(':trail/tessera-dev-audit');
  });

  it('runs a GuardDuty detector with the protection plans for Tessera services', () => {
    template.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      Features: Match.arrayWith([
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
        { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
        { Name: 'LAMBDA_NETWORK_LOGS', Status: 'ENABLED' },
        Match.objectLike({
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: Match.arrayWith([
            { Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' },
          ]),
        }),
      ]),
    });
  });

  it('routes GuardDuty findings of severity 7 or more to the security topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', 7] }] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AlertsSecurity') } })],
    });
  });

  it('records every resource type with AWS Config and delivers to an encrypted bucket', () => {
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
    });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('ConfigHistoryBucket') },
      S3KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(LOGS_KEY.source), 'Arn'] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-dev-config-111111111111-us-east-1',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
    });
  });

  it('deploys the PCI DSS v4.0.1 conformance pack with every mapped rule, after the recorder', () => {
    const packs = Object.values(template.findResources('AWS::Config::ConformancePack'));
    expect(packs).toHaveLength(1);
    const pack = packs[0];
    expect(pack?.Properties.ConformancePackName).toBe('tessera-dev-pci-dss-v4-0-1');
    const body = JSON.parse(pack?.Properties.TemplateBody as string) as {
      Resources: Record<string, { Properties: { ConfigRuleName: string; Description: string } }>;
    };
    const names = Object.values(body.Resources).map((r) => r.Properties.ConfigRuleName);
    expect(names).toEqual(PCI_DSS_V4_RULES.map((r) => r.name));
    for (const rule of Object.values(body.Resources)) {
      expect(rule.Properties.Description).toMatch(/PCI DSS v4\.0\.1: \d/);
    }
    expect(pack?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/ConfigDeliveryChannel/)]));
  });

  it('enables Security Hub with the PCI DSS v4.0.1 standard of the primary region', () => {
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false });
    template.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:us-east-1::standards/pci-dss/v/4.0.1'],
        ],
      },
    });
  });

  it('exposes KMS-encrypted, TLS-only alert topics subscribed to the configured addresses', () => {
    const { topics } = env.stacks.security;
    expect(Object.keys(topics).sort()).toEqual(['compliance', 'operations', 'security']);
    const topicResources = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topicResources)).toHaveLength(3);
    for (const topic of Object.values(topicResources)) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
    for (const policy of Object.values(template.findResources('AWS::SNS::TopicPolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    for (const audience of ['security', 'compliance', 'operations'] as const) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: env.config.alertEmails[audience],
      });
    }
  });
});

describe('SecurityStack (prod)', () => {
  it('keeps trail and Config history seven years and stays free of findings', () => {
    const env = synthEnvironment('prod');
    const template = env.template(env.stacks.security);
    expect(securityFindings(env)).toBe('');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-prod-trail-111111111111-us-east-1',
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2557 })] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-prod-config-111111111111-us-east-1',
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2557 })] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('SecurityStack with organization-provided services (existing)', () => {
  let env: SynthesizedEnvironment;
  let template: Template;
  beforeAll(() => {
    env = synthEnvironment('staging', {
      security: {
        guardDuty: { mode: 'existing' },
        config: { mode: 'existing' },
        securityHub: { mode: 'existing' },
      },
    });
    template = env.template(env.stacks.security);
  });

  it('creates no detector, recorder, delivery channel, service-linked role, hub or standard', () => {
    for (const type of [
      'AWS::GuardDuty::Detector',
      'AWS::Config::ConfigurationRecorder',
      'AWS::Config::DeliveryChannel',
      'AWS::IAM::ServiceLinkedRole',
      'AWS::SecurityHub::Hub',
      'AWS::SecurityHub::Standard',
    ]) {
      expect(template.findResources(type), type).toEqual({});
    }
    expect(securityFindings(env)).toBe('');
  });

  it('still routes GuardDuty findings and keeps the trail and the conformance pack', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.guardduty'] }),
    });
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::Config::ConformancePack', {
      ConformancePackName: 'tessera-staging-pci-dss-v4-0-1',
    });
  });

  it('can also leave the conformance pack to the organization', () => {
    const noPack = synthEnvironment('staging', {
      security: { config: { mode: 'existing', conformancePack: false } },
    });
    expect(noPack.template(noPack.stacks.security).findResources('AWS::Config::ConformancePack')).toEqual({});
  });
});

describe('SecurityStack in EC2 compute mode', () => {
  const autoScalingStatements = (env: SynthesizedEnvironment, keyPrefix: RegExp) => {
    const keys = env.template(env.stacks.security).findResources('AWS::KMS::Key');
    return Object.entries(keys)
      .filter(([id]) => keyPrefix.test(id))
      .flatMap(([, key]) => key.Properties.KeyPolicy.Statement as { Sid?: string; Action: unknown }[])
      .filter((st) => st.Sid?.startsWith('AllowAutoScaling'));
  };

  it("lets EC2 Auto Scaling's service-linked role use the data key for volumes and the alert key for notifications", () => {
    const env = synthEnvironment('dev', { compute: 'ec2' }, { complianceGate: false });
    expect(autoScalingStatements(env, /^KeysData/).map((st) => st.Sid)).toEqual([
      'AllowAutoScalingToUseKeyForEbsVolumes',
      'AllowAutoScalingToGrantKeyToEbs',
    ]);
    expect(autoScalingStatements(env, /^BaselineAlertsKey/).map((st) => [st.Sid, st.Action])).toEqual([
      ['AllowAutoScalingToPublishScalingEvents', ['kms:Decrypt', 'kms:GenerateDataKey*']],
    ]);
    const principal = JSON.stringify(env.template(env.stacks.security).toJSON());
    expect(principal).toContain('aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
  });

  it('creates the service-linked role first in EC2 mode, retained, with both keys waiting for it', () => {
    const env = synthEnvironment('dev', { compute: 'ec2' }, { complianceGate: false });
    const t = env.template(env.stacks.security);
    const roles = Object.entries(t.findResources('AWS::IAM::ServiceLinkedRole')).filter(
      ([, r]) => r.Properties.AWSServiceName === 'autoscaling.amazonaws.com',
    );
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0] as [string, { DeletionPolicy?: string }];
    expect(role.DeletionPolicy).toBe('Retain');
    const keys = t.findResources('AWS::KMS::Key');
    for (const prefix of [/^KeysData/, /^BaselineAlertsKey/]) {
      const [, key] = Object.entries(keys).find(([id]) => prefix.test(id)) ?? [];
      expect([key?.DependsOn].flat(), String(prefix)).toContain(roleId);
    }
  });

  it('creates the service-linked role before the data key in EKS mode too (node groups launch through it)', () => {
    const env = synthEnvironment('dev', { compute: 'eks' }, { complianceGate: false });
    const t = env.template(env.stacks.security);
    const [roleId] =
      Object.entries(t.findResources('AWS::IAM::ServiceLinkedRole')).find(
        ([, r]) => r.Properties.AWSServiceName === 'autoscaling.amazonaws.com',
      ) ?? [];
    expect(roleId).toBeDefined();
    const [, dataKey] =
      Object.entries(t.findResources('AWS::KMS::Key')).find(([id]) => /^KeysData/.test(id)) ?? [];
    expect([dataKey?.DependsOn].flat()).toContain(roleId);
  });

  it('skips the role when the account already has it (security.autoScaling.createServiceLinkedRole false)', () => {
    const env = synthEnvironment(
      'dev',
      { compute: 'ec2', security: { autoScaling: { createServiceLinkedRole: false } } },
      { complianceGate: false },
    );
    const t = env.template(env.stacks.security);
    expect(
      Object.values(t.findResources('AWS::IAM::ServiceLinkedRole')).map((r) => r.Properties.AWSServiceName),
    ).not.toContain('autoscaling.amazonaws.com');
    expect(autoScalingStatements(env, /^KeysData/)).toHaveLength(2);
  });

  it('names the role only in EC2 mode: KMS refuses a key policy naming a role that does not exist', () => {
    const env = synthEnvironment('dev', { compute: 'fargate' }, { complianceGate: false });
    expect(JSON.stringify(env.template(env.stacks.security).toJSON())).not.toContain(
      'AWSServiceRoleForAutoScaling',
    );
  });
});
