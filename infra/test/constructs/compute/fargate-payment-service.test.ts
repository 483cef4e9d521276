import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FargatePaymentService } from '../../../lib/constructs/compute/fargate-payment-service.js';
import {
  PAYMENT_API_USER,
  type PaymentApiProcessing,
} from '../../../lib/constructs/compute/payment-api-runtime.js';
import {
  computeFixture,
  FIXTURE_DB_USER_ARN,
  FIXTURE_DOCUMENTS_BUCKET,
  FIXTURE_EVENTS_QUEUE,
  SCALING,
} from '../../support/compute.js';

const EVENTS_QUEUE = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, `:sqs:eu-central-1:111111111111:${FIXTURE_EVENTS_QUEUE}`],
  ],
};

function build(): Template {
  const f = computeFixture(elbv2.TargetType.IP);
  const service = new FargatePaymentService(f.stack, 'Api', {
    vpc: f.vpc,
    image: f.image,
    runtime: f.runtime,
    cpu: 512,
    memoryLimitMiB: 1024,
    scaling: SCALING,
    targetGroup: f.loadBalancer.targetGroup,
    httpsEgressPeers: [ec2.Peer.ipv4(f.vpc.vpcCidrBlock)],
    logEncryptionKey: f.keys.logs,
    logRetention: logs.RetentionDays.SEVEN_YEARS,
  });
  // Grants through the IPaymentService identity land where the application code runs: the task role.
  f.runtime.vaultKey.grantDecrypt(service);
  return Template.fromStack(f.stack);
}

describe('FargatePaymentService', () => {
  const template = build();

  it("runs as the image's non-root node user (uid 1000 in the official Node.js image)", () => {
    const dockerfile = readFileSync(
      fileURLToPath(new URL('../../../../services/payment-api/Dockerfile', import.meta.url)),
      'utf8',
    );
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\S+$/m);
    expect(
      dockerfile
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('USER ')),
    ).toEqual(['USER node']);
    expect(PAYMENT_API_USER).toBe('1000:1000');
  });

  it('runs the image asset on ARM64 with a read-only root filesystem and a /health check', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Cpu: '512',
      Memory: '1024',
      ContainerDefinitions: [
        Match.objectLike({
          Image: { 'Fn::Sub': Match.stringLikeRegexp('container-assets') },
          ReadonlyRootFilesystem: true,
          // Non-root (ecs-task-definition-nonroot-user): the image's `node` user, stated by the platform.
          User: '1000:1000',
          PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
          HealthCheck: Match.objectLike({
            Command: ['CMD', 'node', '-e', Match.stringLikeRegexp('127\\.0\\.0\\.1:8080/health')],
          }),
          MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
        }),
      ],
    });
  });

  it('injects only the application keys as secrets; the database login is IAM, with no user or password', () => {
    const taskDefs = template.findResources('AWS::ECS::TaskDefinition');
    const container = Object.values(taskDefs)[0]?.Properties.ContainerDefinitions[0];
    const secretNames = container.Secrets.map((s: { Name: string }) => s.Name).sort();
    expect(secretNames).toEqual(['SERVICE_HMAC_KEY', 'VAULT_FINGERPRINT_KEY']);
    const envNames = container.Environment.map((e: { Name: string }) => e.Name);
    expect(envNames).not.toContain('PGPASSWORD');
    expect(envNames).not.toContain('PGUSER');
    for (const name of envNames) expect(name).not.toMatch(/PASSWORD|HMAC|FINGERPRINT/);
    expect(container.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'DATABASE_AUTH', Value: 'iam' },
        { Name: 'DATABASE_SSL', Value: 'verify-full' },
        { Name: 'DATABASE_SECRET_ARN', Value: { Ref: expect.stringMatching(/^DbSecret/) } },
        { Name: 'DATABASE_OWNER_ROLE', Value: 'payment_api' },
        { Name: 'PGHOST', Value: 'proxy.example.internal' },
        { Name: 'PGPORT', Value: '5432' },
        { Name: 'PGDATABASE', Value: 'tessera' },
        { Name: 'AWS_REGION', Value: 'eu-central-1' },
        { Name: 'TRUST_PROXY', Value: '10.0.0.0/16' },
        { Name: 'WEBHOOK_RETRY_SCHEDULE', Value: '60,300,1800' },
        { Name: 'SETTLEMENT_DELAY_DAYS', Value: '2' },
        { Name: 'SETTLEMENT_HOUR_UTC', Value: '2' },
      ]),
    );
  });

  it('refuses settlement reports outside DOCUMENTS_BUCKET and an empty retry schedule', () => {
    const attempt = (processing: Partial<PaymentApiProcessing>) => () => {
      const f = computeFixture(elbv2.TargetType.IP);
      new FargatePaymentService(f.stack, 'Api', {
        vpc: f.vpc,
        image: f.image,
        runtime: { ...f.runtime, processing: { ...f.runtime.processing, ...processing } },
        cpu: 512,
        memoryLimitMiB: 1024,
        scaling: SCALING,
        targetGroup: f.loadBalancer.targetGroup,
        httpsEgressPeers: [ec2.Peer.ipv4(f.vpc.vpcCidrBlock)],
        logEncryptionKey: f.keys.logs,
        logRetention: logs.RetentionDays.SEVEN_YEARS,
      });
    };
    const elsewhere = {
      bucketName: 'another-bucket',
      prefix: 'settlements/',
      grantWrite: () => undefined as never,
    };
    expect(attempt({ settlementReports: elsewhere })).toThrow(
      `settlementReports bucket 'another-bucket' must be the documents bucket '${FIXTURE_DOCUMENTS_BUCKET}' (DOCUMENTS_BUCKET)`,
    );
    expect(attempt({ webhookRetryScheduleSeconds: [] })).toThrow(
      'webhookRetryScheduleSeconds must list at least one retry, got none',
    );
  });

  it('enables enhanced Container Insights and a circuit breaker with rollback', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 3,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  it('logs to a KMS-encrypted log group with the given retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 2557,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] },
    });
  });

  it('lets the task role use the vault key, read the database user secret (its key only via Secrets Manager) and connect as the database user', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ApiTaskDefinitionTaskRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/VaultKey/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: expect.stringMatching(/^DbSecret/) },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/SecretsKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'rds-db:connect', Resource: FIXTURE_DB_USER_ARN },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${FIXTURE_DOCUMENTS_BUCKET}/disputes/*`,
      },
      // The relay publishes to the events queue, the in-service workers consume it (ADR 0048).
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'], Resource: EVENTS_QUEUE },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/EventsKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-central-1.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        Resource: EVENTS_QUEUE,
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/EventsKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-central-1.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${FIXTURE_DOCUMENTS_BUCKET}/settlements/*`,
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/VaultKey/), 'Arn'] },
      },
    ]);
  });

  it("attaches the database's client group as-is, next to its own group", () => {
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0];
    const groups = service?.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups;
    expect(groups).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^ApiSecurityGroup/), 'GroupId'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^DbClients/), 'GroupId'] },
    ]);
    // Attached, not changed: no rule of the service lands on the database's group.
    const rulesOnDbGroup = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')),
    ].filter((r) => JSON.stringify(r.Properties.GroupId).includes('DbClients'));
    expect(rulesOnDbGroup).toEqual([]);
  });

  it('lets only the execution role read the injected secrets, and their key only through Secrets Manager', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ApiTaskDefinitionExecutionRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/SecretsKey/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
    });
    const secretReads = statements.filter((s: { Action: unknown }) =>
      JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads.length).toBeGreaterThan(0);
    for (const s of secretReads) expect(JSON.stringify(s.Resource)).not.toContain('*"');
    // The database user secret is the task role's (for its username), not injected by the execution role.
    for (const s of secretReads) expect(JSON.stringify(s.Resource)).not.toContain('DbSecret');
  });

  it('allows 8080 only from the load balancer and HTTPS egress only to the given peers', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlbSecurityGroup'), 'GroupId'] },
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Payment API tasks') },
    });
    const egress = Object.values(groups)[0]?.Properties.SecurityGroupEgress;
    expect(egress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: expect.anything() }),
    ]);
  });

  it('tracks CPU at 70% and requests per target, and raises the floor on weekday mornings', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
      ScheduledActions: Match.arrayWith([
        Match.objectLike({
          Schedule: 'cron(0 8 ? * MON-FRI *)',
          Timezone: 'Europe/Berlin',
          ScalableTargetAction: { MinCapacity: 4 },
        }),
        Match.objectLike({
          Schedule: 'cron(0 18 ? * MON-FRI *)',
          Timezone: 'Europe/Berlin',
          ScalableTargetAction: { MinCapacity: 2 },
        }),
      ]),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 500,
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });
});
