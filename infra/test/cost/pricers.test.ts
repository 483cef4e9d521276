import { describe, expect, it } from 'vitest';
import { priceEnvironment, type EnvironmentCost } from '../../cost/engine.js';
import type { CfnResource } from '../../cost/template.js';
import type { TrafficProfile } from '../../cost/traffic/index.js';
import { stack, TEST_PROFILE } from './fixtures.js';

const price = (
  resources: Record<string, CfnResource>,
  profile: TrafficProfile = TEST_PROFILE,
  region?: string,
) => priceEnvironment([stack('Fix', resources, region)], profile);

const line = (cost: EnvironmentCost, id: string, charge: string) => {
  const found = cost.stacks.flatMap((s) => s.lines).find((l) => l.logicalId === id && l.charge === charge);
  if (!found)
    throw new Error(
      `no line ${id} / ${charge}; lines: ${cost.stacks.flatMap((s) => s.lines.map((l) => `${l.logicalId} ${l.charge}`)).join(', ')}`,
    );
  return found;
};

const withVolumes = (patch: (v: TrafficProfile['volumes']) => TrafficProfile['volumes']): TrafficProfile => ({
  ...TEST_PROFILE,
  volumes: patch(structuredClone(TEST_PROFILE.volumes)),
});

const aurora = (instanceClass: string, readers = 0): Record<string, CfnResource> => {
  const instances: Record<string, CfnResource> = {};
  for (let i = 0; i <= readers; i++) {
    instances[`Instance${i}`] = {
      Type: 'AWS::RDS::DBInstance',
      Properties: {
        Engine: 'aurora-postgresql',
        DBInstanceClass: instanceClass,
        DBClusterIdentifier: { Ref: 'Cluster' },
      },
    };
  }
  return {
    Cluster: {
      Type: 'AWS::RDS::DBCluster',
      Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 35 },
    },
    ...instances,
  };
};

describe('AWS Backup plan over an Aurora cluster', () => {
  const rule = (name: string, schedule: string, keep: number, copyKeep?: number) => ({
    RuleName: name,
    ScheduleExpression: schedule,
    Lifecycle: { DeleteAfterDays: keep },
    ...(copyKeep === undefined
      ? {}
      : {
          CopyActions: [
            {
              DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:111111111111:backup-vault:dr',
              Lifecycle: { DeleteAfterDays: copyKeep },
            },
          ],
        }),
  });
  const cost = price({
    ...aurora('db.r7g.large'),
    Plan: {
      Type: 'AWS::Backup::BackupPlan',
      Properties: {
        BackupPlan: {
          BackupPlanRule: [
            {
              RuleName: 'Continuous',
              ScheduleExpression: 'cron(0 5 * * ? *)',
              EnableContinuousBackup: true,
              Lifecycle: { DeleteAfterDays: 35 },
            },
            rule('Daily', 'cron(30 5 * * ? *)', 90, 35),
            rule('Hourly', 'cron(15 */1 * * ? *)', 2, 2),
          ],
        },
      },
    },
    Selection: {
      Type: 'AWS::Backup::BackupSelection',
      Properties: {
        BackupPlanId: { 'Fn::GetAtt': ['Plan', 'BackupPlanId'] },
        BackupSelection: {
          Resources: [
            { 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:cluster:', { Ref: 'Cluster' }]] },
          ],
        },
      },
    },
  });

  it('prices nothing extra for a continuous window equal to the cluster’s own', () => {
    expect(line(cost, 'Plan', 'Continuous: continuous backup').monthlyUsd).toBe(0);
  });

  it('bills daily snapshots older than the 35-day point-in-time window at full size', () => {
    // 1 a day kept 90 days: 55 beyond the window × 100 GB × $0.021.
    expect(line(cost, 'Plan', 'Daily: snapshots').monthlyUsd).toBeCloseTo(55 * 100 * 0.021, 6);
    expect(line(cost, 'Plan', 'Hourly: snapshots').monthlyUsd).toBe(0);
  });

  it('transfers every DR copy in full and stores each copy in full in the DR region', () => {
    const hourly = line(cost, 'Plan', 'Hourly: copy transfer to us-west-2');
    expect(hourly.quantity).toBeCloseTo(730 * 100, 6);
    expect(hourly.monthlyUsd).toBeCloseTo(730 * 100 * 0.02, 6);
    expect(line(cost, 'Plan', 'Hourly: copies stored in us-west-2').monthlyUsd).toBeCloseTo(
      48 * 100 * 0.021,
      6,
    );
    expect(line(cost, 'Plan', 'Daily: copies stored in us-west-2').monthlyUsd).toBeCloseTo(
      35 * 100 * 0.021,
      6,
    );
    expect(line(cost, 'Plan', 'Daily: copy transfer to us-west-2').idleMonthlyUsd).toBe(0);
  });

  it('refuses a selection of resources it cannot size', () => {
    const bad = price({
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanRule: [] } } },
      Selection: {
        Type: 'AWS::Backup::BackupSelection',
        Properties: {
          BackupPlanId: { Ref: 'Plan' },
          BackupSelection: { Resources: [{ 'Fn::GetAtt': ['Table', 'Arn'] }] },
        },
      },
    });
    expect(bad.unpriced.map((u) => [u.logicalId, u.reason])).toContainEqual([
      'Plan',
      'backups of AWS::DynamoDB::Table are not priced',
    ]);
  });
});

describe('RDS Proxy', () => {
  const proxy = {
    Proxy: { Type: 'AWS::RDS::DBProxy', Properties: {} },
    Targets: {
      Type: 'AWS::RDS::DBProxyTargetGroup',
      Properties: { DBProxyName: { Ref: 'Proxy' }, DBClusterIdentifiers: [{ Ref: 'Cluster' }] },
    },
  };

  it('bills the vCPUs of every instance of a provisioned target', () => {
    const cost = price({ ...aurora('db.r7g.large', 2), ...proxy });
    expect(line(cost, 'Proxy', 'proxy capacity (provisioned target)').monthlyUsd).toBeCloseTo(
      6 * 730 * 0.015,
      6,
    );
    expect(line(cost, 'Instance0', 'db.r7g.large instance hours').monthlyUsd).toBeCloseTo(730 * 0.276, 6);
  });

  it('bills at least 2 vCPUs', () => {
    const cost = price({ ...aurora('db.t4g.medium'), ...proxy });
    expect(line(cost, 'Proxy', 'proxy capacity (provisioned target)').quantity).toBe(2 * 730);
  });
});

describe('ECS service on Fargate with a weekday schedule', () => {
  const service = (policy = true): Record<string, CfnResource> => ({
    Cluster: {
      Type: 'AWS::ECS::Cluster',
      Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] },
    },
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'ARM64' } },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        LaunchType: 'FARGATE',
        Cluster: { Ref: 'Cluster' },
        TaskDefinition: { Ref: 'Task' },
        DesiredCount: 3,
      },
    },
    Target: {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 2,
        MaxCapacity: 6,
        ResourceId: {
          'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]],
        },
        ScheduledActions: [
          { Schedule: 'cron(0 8 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 4 } },
          { Schedule: 'cron(0 18 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 2 } },
        ],
      },
    },
    ...(policy
      ? {
          Requests: {
            Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
            Properties: {
              ScalingTargetId: { Ref: 'Target' },
              TargetTrackingScalingPolicyConfiguration: {
                PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' },
                TargetValue: 20,
              },
            },
          },
        }
      : {}),
  });
  const scheduledAverage = 2 + (2 * 261 * 10) / 8760;

  it('runs the scheduled minimum when idle, not the desired count', () => {
    const cost = price(service());
    expect(line(cost, 'Service', 'Fargate arm64 vCPU hours').idleQuantity).toBeCloseTo(
      scheduledAverage * 730,
      6,
    );
    expect(line(cost, 'Service', 'Fargate arm64 memory hours').idleMonthlyUsd).toBeCloseTo(
      scheduledAverage * 730 * 2 * 0.00356,
      6,
    );
  });

  it('runs what the request-count target needs under traffic, within the maximum', () => {
    // 60 requests a minute ÷ 20 per target = 3 tasks: above the night minimum of 2, below the day minimum of 4.
    const cost = price(service());
    expect(line(cost, 'Service', 'Fargate arm64 vCPU hours').quantity).toBeCloseTo(
      (3 + (1 * 261 * 10) / 8760) * 730,
      6,
    );
    const busy = price(
      service(),
      withVolumes((v) => ({ ...v, api: { requestsPerMonth: 1000 * 43_800 } })),
    );
    expect(line(busy, 'Service', 'Fargate arm64 vCPU hours').quantity).toBeCloseTo(6 * 730, 6);
  });

  it('ignores traffic without a request-count policy (CPU tracking holds the minimum)', () => {
    const cost = price(service(false));
    expect(line(cost, 'Service', 'Fargate arm64 vCPU hours').quantity).toBeCloseTo(scheduledAverage * 730, 6);
  });

  it('prices enhanced Container Insights per task observation', () => {
    const cost = price(service());
    expect(line(cost, 'Cluster', 'Container Insights (enhanced) observations').idleQuantity).toBeCloseTo(
      (scheduledAverage * 30 * 43_800) / 1e6,
      6,
    );
  });
});

describe('EC2 Auto Scaling group', () => {
  it('prices instance hours, EBS and detailed monitoring from its launch template and Unix-cron schedule', () => {
    const cost = price({
      Template: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            InstanceType: 't4g.medium',
            Monitoring: { Enabled: true },
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3' } }],
          },
        },
      },
      Group: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '2', MaxSize: '6', LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' } } },
      },
      Up: {
        Type: 'AWS::AutoScaling::ScheduledAction',
        Properties: { AutoScalingGroupName: { Ref: 'Group' }, Recurrence: '0 8 * * MON-FRI', MinSize: 4 },
      },
      Down: {
        Type: 'AWS::AutoScaling::ScheduledAction',
        Properties: { AutoScalingGroupName: { Ref: 'Group' }, Recurrence: '0 18 * * MON-FRI', MinSize: 2 },
      },
    });
    const instances = 2 + (2 * 261 * 10) / 8760;
    expect(line(cost, 'Group', 't4g.medium instance hours').monthlyUsd).toBeCloseTo(
      instances * 730 * 0.0336,
      6,
    );
    expect(line(cost, 'Group', 'EBS gp3 volume /dev/xvda').monthlyUsd).toBeCloseTo(instances * 30 * 0.08, 6);
    expect(line(cost, 'Group', 'detailed monitoring metrics').monthlyUsd).toBeCloseTo(instances * 7 * 0.3, 6);
  });
});

describe('NAT instances', () => {
  it('pay the instance, an 8 GiB default root volume, a public IPv4 address, and the egress', () => {
    const cost = price({
      NatInstance: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          InstanceType: 't4g.nano',
          SourceDestCheck: false,
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'gp3' } }],
          NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: '0' }],
        },
      },
    });
    expect(line(cost, 'NatInstance', 't4g.nano instance hours').monthlyUsd).toBeCloseTo(730 * 0.0042, 6);
    expect(line(cost, 'NatInstance', 'EBS gp3 volume /dev/xvda').monthlyUsd).toBeCloseTo(8 * 0.08, 6);
    expect(line(cost, 'NatInstance', 'public IPv4 address').monthlyUsd).toBeCloseTo(3.65, 6);
    expect(line(cost, 'NatInstance', 'data transfer out to the internet').monthlyUsd).toBeCloseTo(
      100 * 0.09,
      6,
    );
  });
});

describe('GuardDuty', () => {
  const detector = {
    Type: 'AWS::GuardDuty::Detector',
    Properties: {
      Enable: true,
      Features: [
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
        {
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }],
        },
      ],
    },
  };
  const instance = (profileRef?: string): CfnResource => ({
    Type: 'AWS::EC2::Instance',
    Properties: {
      InstanceType: 't4g.small',
      ...(profileRef ? { IamInstanceProfile: { Ref: profileRef } } : {}),
    },
  });

  it('monitors the vCPUs of SSM-managed instances only, and bills RDS Protection per DB vCPU', () => {
    const cost = price({
      Detector: detector,
      Managed: instance('Profile'),
      Unmanaged: instance(),
      Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'Role' }] } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'] },
      },
      ...aurora('db.r7g.large', 1),
    });
    expect(line(cost, 'Detector', 'Runtime Monitoring vCPUs').quantity).toBe(2);
    expect(line(cost, 'Detector', 'RDS Protection (provisioned vCPUs)').monthlyUsd).toBe(4);
    expect(line(cost, 'Detector', 'CloudTrail management events analysed').monthlyUsd).toBeCloseTo(4, 6);
    expect(line(cost, 'Detector', 'VPC flow and DNS logs analysed').monthlyUsd).toBeCloseTo(12, 6);
  });

  it('refuses a protection plan it does not price', () => {
    const cost = price({
      Detector: {
        Type: 'AWS::GuardDuty::Detector',
        Properties: { Features: [{ Name: 'EKS_RUNTIME_MONITORING', Status: 'ENABLED' }] },
      },
    });
    expect(cost.unpriced[0]?.reason).toBe('GuardDuty feature EKS_RUNTIME_MONITORING is not priced');
  });
});

describe('log groups are priced by who writes into them', () => {
  const cost = price({
    Cluster: {
      Type: 'AWS::RDS::DBCluster',
      Properties: {
        Engine: 'aurora-postgresql',
        DBClusterIdentifier: 'payments',
        EnableCloudwatchLogsExports: ['postgresql'],
      },
    },
    DbLog: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: '/aws/rds/cluster/payments/postgresql', RetentionInDays: 2557 },
    },
    AppLog: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        ContainerDefinitions: [{ LogConfiguration: { Options: { 'awslogs-group': { Ref: 'AppLog' } } } }],
      },
    },
    EdgeAcl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'CLOUDFRONT', Rules: [] } },
    WafLog: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } },
    WafLogging: {
      Type: 'AWS::WAFv2::LoggingConfiguration',
      Properties: {
        ResourceArn: { 'Fn::GetAtt': ['EdgeAcl', 'Arn'] },
        LogDestinationConfigs: [{ 'Fn::GetAtt': ['WafLog', 'Arn'] }],
      },
    },
    Orphan: { Type: 'AWS::Logs::LogGroup', Properties: {} },
  });
  const gb = (count: number) => (count * 1) / 1048576;

  it.each([
    ['DbLog', gb(2_628_000), 'PostgreSQL log'],
    ['AppLog', gb(2_628_000), 'payment API log'],
    ['WafLog', gb(1_000_000), 'WAF logs: CloudFront requests'],
    ['Orphan', 1, 'writer not recognised'],
  ])('%s ingests %d GB (%s)', (id, expectedGb, note) => {
    const ingestion = line(cost, id, 'ingestion');
    expect(ingestion.quantity).toBeCloseTo(expectedGb, 9);
    expect(ingestion.note).toContain(note);
  });

  it('keeps min(retention, months in operation) of ingestion, compressed', () => {
    expect(line(cost, 'DbLog', 'archive storage').quantity).toBeCloseTo(gb(2_628_000) * 12 * 0.5, 9);
    expect(line(cost, 'AppLog', 'archive storage').quantity).toBeCloseTo(
      gb(2_628_000) * (30 / (365 / 12)) * 0.5,
      9,
    );
    expect(line(cost, 'Orphan', 'archive storage').quantity).toBeCloseTo(12 * 0.5, 9);
  });
});

describe('Lambda functions run as often as what invokes them', () => {
  const fn = { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256, Architectures: ['arm64'] } };

  it('a rotation function runs four steps per rotation', () => {
    const cost = price({
      Rotation: fn,
      Schedule: {
        Type: 'AWS::SecretsManager::RotationSchedule',
        Properties: {
          RotationLambdaARN: { 'Fn::GetAtt': ['Rotation', 'Arn'] },
          RotationRules: { ScheduleExpression: 'rate(30 days)' },
        },
      },
    });
    const requests = line(cost, 'Rotation', 'requests');
    expect(requests.quantity * 1e6).toBeCloseTo((4 * 365) / 12 / 30, 9);
    expect(requests.idleQuantity).toBe(requests.quantity);
  });

  it('a custom-resource provider runs during deployments only', () => {
    const cost = price({
      Provider: fn,
      Custom: { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] } } },
    });
    expect(line(cost, 'Provider', 'requests').quantity).toBe(0);
  });

  it('an invoker whose volume is unknown makes the function unpriced', () => {
    const cost = price({
      Worker: fn,
      Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'Worker' } } },
    });
    expect(cost.unpriced.map((u) => u.logicalId)).toEqual(['Worker', 'Mapping']);
    expect(cost.unpriced[0]?.reason).toBe(
      'invoked by AWS::Lambda::EventSourceMapping Mapping: its invocation volume is not modelled',
    );
  });
});

describe('SQS queues', () => {
  const fifo = (extra: Record<string, unknown> = {}): CfnResource => ({
    Type: 'AWS::SQS::Queue',
    Properties: { FifoQueue: true, ...extra },
  });
  const cost = price({
    Events: fifo({
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['EventsDlq', 'Arn'] }, maxReceiveCount: 10 },
    }),
    EventsDlq: fifo(),
    Standard: { Type: 'AWS::SQS::Queue', Properties: {} },
  });

  it('splits the profile’s requests over the work queues, at the FIFO or standard price', () => {
    // TEST_PROFILE: 2M requests over the two work queues (the DLQ takes none).
    expect(line(cost, 'Events', 'FIFO requests')).toMatchObject({
      quantity: 1,
      unitUsd: 0.5,
      idleQuantity: 0,
    });
    expect(line(cost, 'Standard', 'requests')).toMatchObject({ quantity: 1, unitUsd: 0.4 });
  });

  it('gives a dead-letter queue no requests', () => {
    expect(line(cost, 'EventsDlq', 'FIFO requests')).toMatchObject({ quantity: 0, monthlyUsd: 0 });
  });
});

describe('security baseline', () => {
  const baseline = (months: number) =>
    price(
      {
        Recorder: { Type: 'AWS::Config::ConfigurationRecorder', Properties: {} },
        Pack: {
          Type: 'AWS::Config::ConformancePack',
          Properties: {
            TemplateBody: JSON.stringify({
              Resources: { A: { Type: 'AWS::Config::ConfigRule' }, B: { Type: 'AWS::Config::ConfigRule' } },
            }),
          },
        },
        Standard: { Type: 'AWS::SecurityHub::Standard', Properties: {} },
        Trail: { Type: 'AWS::CloudTrail::Trail', Properties: {} },
      },
      { ...TEST_PROFILE, monthsInOperation: months },
    );

  it('records every resource once at deployment (idle month) and the profile’s changes after', () => {
    const cost = baseline(12);
    // 4 AWS resources in the region.
    expect(line(cost, 'Recorder', 'configuration items recorded').idleQuantity).toBe(4);
    expect(line(cost, 'Recorder', 'configuration items recorded').quantity).toBe(1000);
    expect(line(baseline(1), 'Recorder', 'configuration items recorded').quantity).toBe(1004);
  });

  it('estimates pack evaluations and Security Hub checks from rules, resources and changes', () => {
    const cost = baseline(12);
    expect(line(cost, 'Pack', 'rule evaluations').quantity).toBeCloseTo(2 * (365 / 12) + 1000 * 3, 9);
    expect(line(cost, 'Standard', 'security checks').idleQuantity).toBeCloseTo(4 * (365 / 12) + 4 * 2, 9);
  });

  it('gives the first trail its management events free and charges a second one', () => {
    const cost = price({
      First: { Type: 'AWS::CloudTrail::Trail', Properties: {} },
      Second: { Type: 'AWS::CloudTrail::Trail', Properties: {} },
    });
    expect(line(cost, 'First', 'management events').monthlyUsd).toBe(0);
    expect(line(cost, 'Second', 'management events').monthlyUsd).toBeCloseTo(10 * 2, 9);
  });
});

describe('WAF and load balancers outside the table', () => {
  it('refuses a managed rule group with its own fees', () => {
    const cost = price({
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Scope: 'REGIONAL',
          Rules: [
            {
              Statement: {
                ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesBotControlRuleSet' },
              },
            },
          ],
        },
      },
    });
    expect(cost.unpriced[0]?.reason).toBe(
      'managed rule group AWSManagedRulesBotControlRuleSet has fees the price table does not hold',
    );
  });

  it('refuses managed rule groups above 1,500 WCUs', () => {
    const group = (Name: string) => ({
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name } },
    });
    const cost = price({
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Rules: [
            'AWSManagedRulesCommonRuleSet',
            'AWSManagedRulesSQLiRuleSet',
            'AWSManagedRulesLinuxRuleSet',
            'AWSManagedRulesKnownBadInputsRuleSet',
            'AWSManagedRulesAdminProtectionRuleSet',
            'AWSManagedRulesUnixRuleSet',
            'AWSManagedRulesAnonymousIpList',
          ].map(group),
        },
      },
    });
    expect(cost.unpriced[0]?.reason).toMatch(/use 1550 WCUs/);
  });

  it('refuses network load balancers', () => {
    expect(
      price({ Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } } })
        .unpriced[0]?.reason,
    ).toBe('network load balancers are not in the price table');
  });
});

describe('S3 buckets are priced by what they hold', () => {
  it('prices CloudFront origin fetches on the content bucket and log volume on the log bucket', () => {
    const cost = price({
      Content: { Type: 'AWS::S3::Bucket', Properties: {} },
      Logs: { Type: 'AWS::S3::Bucket', Properties: {} },
      Cdn: {
        Type: 'AWS::CloudFront::Distribution',
        Properties: {
          DistributionConfig: {
            PriceClass: 'PriceClass_100',
            Origins: [{ DomainName: { 'Fn::GetAtt': ['Content', 'RegionalDomainName'] } }],
            Logging: { Bucket: { 'Fn::GetAtt': ['Logs', 'RegionalDomainName'] } },
            DefaultCacheBehavior: {},
          },
        },
      },
    });
    // 10% of 1M requests miss the cache.
    expect(line(cost, 'Content', 'GET requests').monthlyUsd).toBeCloseTo(100 * 0.0004, 9);
    expect(line(cost, 'Logs', 'Standard storage').note).toMatch(/^cdnLogs: /);
    expect(line(cost, 'Cdn', 'HTTPS requests').monthlyUsd).toBeCloseTo(100 * 0.01, 9);
    expect(line(cost, 'Cdn', 'data transfer out to viewers').monthlyUsd).toBeCloseTo(10 * 0.085, 9);
  });

  const partition = (text: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, text]] });
  const lifecycle = {
    Rules: [
      {
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
        ],
      },
    ],
  };
  const replicated = (rule: Record<string, unknown> = {}) =>
    priceEnvironment(
      [
        stack('Docs', {
          Docs: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              LifecycleConfiguration: lifecycle,
              ReplicationConfiguration: {
                Rules: [
                  {
                    Status: 'Enabled',
                    Filter: { Prefix: '' },
                    Destination: {
                      Bucket: partition(':::docs-replica'),
                      ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                      Metrics: { Status: 'Enabled' },
                    },
                    ...rule,
                  },
                ],
              },
            },
          },
        }),
        stack(
          'DocsDr',
          {
            Replica: {
              Type: 'AWS::S3::Bucket',
              Properties: { BucketName: 'docs-replica', LifecycleConfiguration: lifecycle },
            },
          },
          'us-west-2',
        ),
      ],
      TEST_PROFILE,
    );

  it('prices documents through Standard, Standard-IA, Glacier Flexible Retrieval and Deep Archive by age', () => {
    const cost = replicated();
    // 1 GB and 1,000 objects a month, kept for the 365 days of month 12: 30 / 60 / 90 / 185 days per class.
    const month = 365 / 12;
    expect(line(cost, 'Docs', 'Standard storage').quantity).toBeCloseTo(30 / month, 6);
    expect(line(cost, 'Docs', 'Standard-IA storage').quantity).toBeCloseTo(60 / month, 6);
    expect(line(cost, 'Docs', 'Glacier Flexible Retrieval storage').quantity).toBeCloseTo(90 / month, 6);
    expect(line(cost, 'Docs', 'Glacier Deep Archive storage')).toMatchObject({ unitUsd: 0.00099 });
    expect(line(cost, 'Docs', 'Glacier Deep Archive storage').quantity).toBeCloseTo(185 / month, 6);
    for (const [name, usd] of [
      ['Standard-IA', 0.01],
      ['Glacier Flexible Retrieval', 0.03],
      ['Glacier Deep Archive', 0.05],
    ] as const) {
      expect(line(cost, 'Docs', `lifecycle transitions to ${name}`)).toMatchObject({
        quantity: 1,
        unitUsd: usd,
      });
    }
  });

  it('prices replication on the source (transfer, RTC, four metrics) and the replica as the same documents in its region', () => {
    const cost = replicated();
    expect(line(cost, 'Docs', 'replication transfer to the DR region')).toMatchObject({
      quantity: 1,
      unitUsd: 0.02,
    });
    expect(line(cost, 'Docs', 'Replication Time Control')).toMatchObject({ quantity: 1, unitUsd: 0.015 });
    expect(line(cost, 'Docs', 'replication metrics')).toMatchObject({ quantity: 4, idleMonthlyUsd: 1.2 });
    expect(line(cost, 'Replica', 'PUT requests')).toMatchObject({ quantity: 1, unitUsd: 0.005 });
    expect(line(cost, 'Replica', 'Standard storage').note).toMatch(/^documents: /);
    expect(cost.unpriced).toEqual([]);
  });

  it('leaves RTC and metrics off the bill when the rule does not turn them on', () => {
    const cost = replicated({ Destination: { Bucket: partition(':::docs-replica') } });
    const charges = cost.stacks.flatMap((s) => s.lines).map((l) => l.charge);
    expect(charges).toContain('replication transfer to the DR region');
    expect(charges).not.toContain('Replication Time Control');
    expect(charges).not.toContain('replication metrics');
  });

  it('refuses replication of some objects only, which the documents volume does not describe', () => {
    const cost = replicated({ Filter: { Prefix: 'settlements/' } });
    expect(cost.unpriced.map((u) => u.reason)).toContain('replication of some objects only is not priced');
  });
});

describe('the partner API is priced by its own requests', () => {
  // TEST_PROFILE: 1,000,000 partner API requests (of 2,628,000 API requests).
  const partnerApi = (stage: Record<string, unknown> = {}) =>
    price({
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'partner' } },
      Stage: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: {
          RestApiId: { Ref: 'Api' },
          AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['AccessLog', 'Arn'] } },
          ...stage,
        },
      },
      AccessLog: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      ExecutionLog: {
        Type: 'AWS::Logs::LogGroup',
        Properties: {
          LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: 'Api' }, '/partner']] },
          RetentionInDays: 30,
        },
      },
      Authorizer: {
        Type: 'AWS::Lambda::Function',
        Properties: { MemorySize: 256, Architectures: ['arm64'] },
      },
      ApiAuthorizer: {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          Type: 'REQUEST',
          AuthorizerResultTtlInSeconds: 0,
          AuthorizerUri: {
            'Fn::Join': ['', ['arn:', { 'Fn::GetAtt': ['Authorizer', 'Arn'] }, '/invocations']],
          },
        },
      },
      StageAcl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', Rules: [] } },
      StageAclAssociation: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: {
          WebACLArn: { 'Fn::GetAtt': ['StageAcl', 'Arn'] },
          ResourceArn: {
            'Fn::Join': [
              '',
              ['arn:aws:apigateway:us-east-1::/restapis/', { Ref: 'Api' }, '/stages/', { Ref: 'Stage' }],
            ],
          },
        },
      },
      AlbAcl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', Rules: [] } },
    });

  it('charges $3.50 per million REST requests and nothing for a stage without a cache', () => {
    const cost = partnerApi();
    expect(line(cost, 'Api', 'REST API requests')).toMatchObject({
      quantity: 1,
      monthlyUsd: 3.5,
      idleMonthlyUsd: 0,
    });
    expect(line(cost, 'Stage', 'no billable usage').monthlyUsd).toBe(0);
  });

  it('refuses a stage with a cache cluster, which the price table does not hold', () => {
    const cost = partnerApi({ CacheClusterEnabled: true, CacheClusterSize: '0.5' });
    expect(cost.unpriced).toEqual([
      expect.objectContaining({
        logicalId: 'Stage',
        reason: expect.stringMatching(/caches are billed per hour/),
      }),
    ]);
  });

  it('inspects the partner requests on the stage web ACL and the API requests on any other', () => {
    const cost = partnerApi();
    expect(line(cost, 'StageAcl', 'requests inspected')).toMatchObject({ quantity: 1 });
    expect(line(cost, 'StageAcl', 'requests inspected').note).toContain('partner API requests');
    expect(line(cost, 'AlbAcl', 'requests inspected').quantity).toBeCloseTo(2.628, 9);
  });

  it('writes access and execution logs per partner request', () => {
    const cost = partnerApi();
    expect(line(cost, 'AccessLog', 'ingestion').quantity).toBeCloseTo((1_000_000 * 1) / 1048576, 9);
    expect(line(cost, 'ExecutionLog', 'ingestion').quantity).toBeCloseTo((1_000_000 * 2) / 1048576, 9);
    expect(line(cost, 'ExecutionLog', 'ingestion').note).toContain('execution log');
  });

  it('runs the authorizer once per partner request for ~50 ms', () => {
    const cost = partnerApi();
    expect(line(cost, 'Authorizer', 'requests').quantity).toBe(1);
    expect(line(cost, 'Authorizer', 'arm64 compute').quantity).toBeCloseTo(1_000_000 * 0.05 * 0.25, 6);
  });
});

describe('a bucket a deployment publishes to but CloudFront does not serve', () => {
  it('stores deployed content with no origin fetches', () => {
    const cost = price({
      Pki: { Type: 'AWS::S3::Bucket', Properties: {} },
      Publish: { Type: 'Custom::CDKBucketDeployment', Properties: { DestinationBucketName: { Ref: 'Pki' } } },
    });
    const lines = cost.stacks.flatMap((s) => s.lines).filter((l) => l.logicalId === 'Pki');
    expect(lines.map((l) => l.charge)).toEqual(['Standard storage', 'PUT requests']);
  });
});

describe('VPC peering', () => {
  const subnet = (az: string): CfnResource => ({
    Type: 'AWS::EC2::Subnet',
    Properties: { AvailabilityZone: az },
  });
  const peered = (zones: readonly string[]): Record<string, CfnResource> => ({
    Peering: { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { PeerOwnerId: '222222222222' } },
    ...Object.fromEntries(zones.map((az, i) => [`Subnet${i}`, subnet(az)])),
  });
  const profile = withVolumes((v) => ({ ...v, network: { ...v.network, peeringGb: 300 } }));

  it('has no hourly charge and bills the cross-AZ share of its traffic in both directions', () => {
    const cost = price(peered(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1a']), profile);
    const transfer = line(cost, 'Peering', 'cross-AZ data transfer over the peering (both directions)');
    expect(transfer.monthlyUsd).toBeCloseTo(300 * (2 / 3) * 2 * 0.01, 6);
  });

  it('costs nothing when everything is in one zone', () => {
    const cost = price(peered(['us-east-1a']), profile);
    expect(
      line(cost, 'Peering', 'cross-AZ data transfer over the peering (both directions)').monthlyUsd,
    ).toBe(0);
  });
});

describe('monitoring resources', () => {
  const resources: Record<string, CfnResource> = {
    RootUsage: {
      Type: 'AWS::Logs::MetricFilter',
      Properties: {
        LogGroupName: 'trail',
        FilterPattern: '{ $.userIdentity.type = "Root" }',
        MetricTransformations: [
          { MetricNamespace: 'Tessera/dev/CloudTrail', MetricName: 'RootAccountUsage', MetricValue: '1' },
        ],
      },
    },
    Expression: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Metrics: [
          { Id: 'expr', Expression: 'a / b' },
          { Id: 'a', MetricStat: { Period: 300 } },
          { Id: 'b', MetricStat: { Period: 300 } },
        ],
      },
    },
    Budget: { Type: 'AWS::Budgets::Budget', Properties: {} },
  };

  it('bills a metric filter as one custom metric-month and a math alarm per metric it reads', () => {
    const cost = price(resources);
    expect(line(cost, 'RootUsage', 'custom metrics')).toMatchObject({ quantity: 1 });
    expect(line(cost, 'RootUsage', 'custom metrics').monthlyUsd).toBeCloseTo(0.3, 9);
    expect(line(cost, 'Expression', 'alarm metrics')).toMatchObject({ quantity: 2 });
  });

  it('lists the budget as free (no budget actions)', () => {
    const cost = price(resources);
    expect(
      cost.stacks.flatMap((s) => s.lines).some((l) => l.logicalId === 'Budget' && l.monthlyUsd > 0),
    ).toBe(false);
  });
});

describe('a function an alarm watches', () => {
  it('is not invoked by the alarm that names it in a dimension', () => {
    const cost = price({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256 } },
      FnErrors: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }],
        },
      },
    });
    expect(line(cost, 'Fn', 'requests')).toMatchObject({ quantity: 0 });
  });
});
