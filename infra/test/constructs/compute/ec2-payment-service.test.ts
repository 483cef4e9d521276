import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildEc2Service as build, FIXTURE_DB_USER_ARN } from '../../support/compute.js';

function userDataText(template: Template): string {
  const lts = template.findResources('AWS::EC2::LaunchTemplate');
  return JSON.stringify(Object.values(lts)[0]?.Properties.LaunchTemplateData.UserData);
}

describe('Ec2PaymentService', () => {
  const template = build();

  it('uses the pinned AMI with IMDSv2 required, encrypted EBS, no key pair and no public IP', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't4g.medium',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: Match.objectLike({
              Encrypted: true,
              KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] },
            }),
          },
        ],
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: 0 })],
        KeyName: Match.absent(),
      }),
    });
  });

  it('manages instances through SSM only (no port 22 anywhere)', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"FromPort":22\b/);
  });

  it('runs the image asset with secrets fetched at boot, never secret values in user data', () => {
    const text = userDataText(template);
    expect(text).toMatch(/aws ecr get-login-password/);
    expect(text).toMatch(/container-assets/);
    expect(text).toMatch(/aws secretsmanager get-secret-value/);
    expect(text).not.toMatch(/PGPASSWORD|PGUSER|\[\\"password\\"\]/);
    expect(text).toMatch(/DATABASE_AUTH=iam/);
    expect(text).toMatch(/--read-only/);
    expect(text).toMatch(/DATABASE_SSL=verify-full/);
    expect(text).not.toMatch(/SecretString"?:/);
  });

  it('lets the instance role read the database user secret for its username, connect as the user, and use the secrets key only via Secrets Manager', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ApiInstanceRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { Ref: expect.stringMatching(/^DbSecret/) },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: FIXTURE_DB_USER_ARN,
    });
    const keyStatements = statements.filter((s: { Resource: unknown }) =>
      JSON.stringify(s.Resource).includes('SecretsKey'),
    );
    expect(keyStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/SecretsKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
      },
    ]);
  });

  it("launches instances with the database's client group attached next to their own", () => {
    const lt = Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0];
    expect(lt?.Properties.LaunchTemplateData.NetworkInterfaces[0].Groups).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^ApiSecurityGroup/), 'GroupId'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^DbClients/), 'GroupId'] },
    ]);
  });

  it('registers with the target group under ELB health checks across the app subnets', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '6',
      DesiredCapacity: '3',
      HealthCheckType: 'ELB',
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('AlbPaymentApi') }],
      VPCZoneIdentifier: [
        { Ref: Match.stringLikeRegexp('VpcappSubnet1') },
        { Ref: Match.stringLikeRegexp('VpcappSubnet2') },
      ],
    });
  });

  it('scales on CPU, on requests per target and on the weekday schedule', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        TargetValue: 500,
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 8 * * MON-FRI',
      TimeZone: 'Europe/Berlin',
      MinSize: 4,
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 18 * * MON-FRI',
      TimeZone: 'Europe/Berlin',
      MinSize: 2,
    });
  });

  it("leaves the volume and topic keys' policies to their owner (no statement added to a key it was handed)", () => {
    const policies = JSON.stringify(template.findResources('AWS::KMS::Key'));
    expect(policies).not.toContain('AWSServiceRoleForAutoScaling');
  });

  it('refuses an x86 instance type for the arm64 image', () => {
    expect(() => build({ instanceType: new ec2.InstanceType('t3.medium') })).toThrow(
      /instanceType must be a Graviton \(arm64\) type.*t3\.medium/,
    );
  });
});
