import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_ADMIN_PORTS } from '../../lib/constructs/network/tier-network-acls.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';
import {
  type AclEntry,
  aclEntriesForSubnet,
  defaultRoutes,
  resourcesOf,
  routeTableOf,
  subnetIdByCidr,
  tcp,
} from '../support/network.js';

const NO_GATE = { complianceGate: false } as const;
const byKey = (a: AclEntry, b: AclEntry): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('NetworkStack (dev: 2 AZs, NAT instances)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment(
      'dev',
      { network: { natInstance: { amiIds: { 'us-east-1': 'ami-0123456789abcdef0' } } } },
      NO_GATE,
    );
    t = env.template(env.stacks.network);
  });

  it('lays out /24 subnets per tier and AZ like the seeds, none assigning public IPs', () => {
    const subnets = Object.values(resourcesOf(t, 'AWS::EC2::Subnet')).map((r) => [
      r.Properties.CidrBlock,
      r.Properties.AvailabilityZone,
      r.Properties.MapPublicIpOnLaunch,
    ]);
    expect(subnets.sort()).toEqual(
      [
        ['10.0.0.0/24', 'us-east-1a', false],
        ['10.0.1.0/24', 'us-east-1b', false],
        ['10.0.10.0/24', 'us-east-1a', false],
        ['10.0.11.0/24', 'us-east-1b', false],
        ['10.0.20.0/24', 'us-east-1a', false],
        ['10.0.21.0/24', 'us-east-1b', false],
      ].sort(),
    );
  });

  it('routes every app subnet to the NAT instance in its own AZ', () => {
    const instances = resourcesOf(t, 'AWS::EC2::Instance');
    for (const [appCidr, az] of [
      ['10.0.10.0/24', 'us-east-1a'],
      ['10.0.11.0/24', 'us-east-1b'],
    ] as const) {
      const routes = defaultRoutes(t, routeTableOf(t, subnetIdByCidr(t, appCidr)));
      expect(routes).toHaveLength(1);
      const target = (routes[0]!.InstanceId as { Ref: string }).Ref;
      expect(instances[target]?.Properties.AvailabilityZone).toBe(az);
    }
    expect(resourcesOf(t, 'AWS::EC2::NatGateway')).toEqual({});
  });

  it('gives the data tier no route out of the VPC', () => {
    for (const cidr of ['10.0.20.0/24', '10.0.21.0/24']) {
      expect(defaultRoutes(t, routeTableOf(t, subnetIdByCidr(t, cidr)))).toEqual([]);
    }
  });

  it('runs NAT instances on the pinned AMI with IMDSv2 required, encrypted root volume, no key pair', () => {
    const instances = Object.values(resourcesOf(t, 'AWS::EC2::Instance'));
    const templates = resourcesOf(t, 'AWS::EC2::LaunchTemplate');
    expect(instances).toHaveLength(2);
    for (const { Properties: p } of instances) {
      expect(p.ImageId).toBe('ami-0123456789abcdef0');
      expect(p.SourceDestCheck).toBe(false);
      expect(p.KeyName).toBeUndefined();
      expect(p.BlockDeviceMappings).toEqual([
        expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true }) }),
      ]);
      const ltId = (p.LaunchTemplate as { LaunchTemplateId: { Ref: string } }).LaunchTemplateId.Ref;
      expect(templates[ltId]?.Properties).toMatchObject({
        LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
      });
      expect(p.NetworkInterfaces).toEqual([expect.objectContaining({ AssociatePublicIpAddress: true })]);
    }
  });

  it('admits only HTTPS/HTTP from the VPC CIDR to the NAT instances — no SSH, nothing from outside', () => {
    const instance = Object.values(resourcesOf(t, 'AWS::EC2::Instance'))[0]!;
    const sgRef = (instance.Properties.NetworkInterfaces as { GroupSet: { 'Fn::GetAtt': [string] }[] }[])[0]!
      .GroupSet[0]!['Fn::GetAtt'][0];
    const sg = resourcesOf(t, 'AWS::EC2::SecurityGroup')[sgRef]!;
    const ingress = sg.Properties.SecurityGroupIngress as Record<string, unknown>[];
    expect(ingress.map((r) => [r.CidrIp, r.IpProtocol, r.FromPort, r.ToPort]).sort()).toEqual([
      ['10.0.0.0/16', 'tcp', 443, 443],
      ['10.0.0.0/16', 'tcp', 80, 80],
    ]);
    expect(resourcesOf(t, 'AWS::EC2::SecurityGroupIngress')).toEqual({});
  });

  it('sends all flow logs to a log group encrypted with the security stack logs key, retained per config', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 'cloud-watch-logs',
      TrafficType: 'ALL',
      ResourceType: 'VPC',
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'tessera-dev-vpc-flow-logs-111111111111-us-east-1',
      RetentionInDays: env.config.logRetentionDays,
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('Tessera-dev-Security.*KeysLogs') },
    });
  });

  it('sends all flow logs to a KMS-encrypted, versioned, TLS-only, access-logged bucket with lifecycle', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-dev-vpc-flow-logs-111111111111-us-east-1',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::ImportValue': Match.stringLikeRegexp('KeysLogs') },
            },
            BucketKeyEnabled: true,
          },
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
        DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogs') },
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: env.config.network.flowLogs.expirationDays,
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  it('delivers CloudWatch flow logs through a role limited to the flow-log group, with no inline policy', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ],
      },
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('FlowLogsDeliveryPolicy') }],
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogsLogGroup'), 'Arn'] },
          }),
        ],
      },
    });
    const inline = Object.keys(resourcesOf(t, 'AWS::IAM::Policy')).filter((id) => id.includes('FlowLog'));
    expect(inline).toEqual([]);
  });

  it('lets log delivery write flow logs to the bucket only for this account', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('FlowLogsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AWSLogDeliveryWrite',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({
              StringEquals: {
                'aws:SourceAccount': '111111111111',
                's3:x-amz-acl': 'bucket-owner-full-control',
              },
            }),
          }),
          Match.objectLike({ Sid: 'AWSLogDeliveryAclCheck', Action: ['s3:GetBucketAcl', 's3:ListBucket'] }),
        ]),
      },
    });
  });

  it('denies non-TLS requests on both log buckets', () => {
    const policies = Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect((p.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('keeps server access logs in an SSE-S3, versioned bucket named per env, account and region', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'tessera-dev-net-access-logs-111111111111-us-east-1',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('takes the removal policy from config (dev destroys, and empties its log buckets first)', () => {
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    const emptied = Object.values(resourcesOf(t, 'Custom::S3AutoDeleteObjects')).map(
      (r) => (r.Properties.BucketName as { Ref: string }).Ref,
    );
    expect(emptied.sort()).toEqual(
      Object.keys(resourcesOf(t, 'AWS::S3::Bucket'))
        .filter((id) => /AccessLogs|FlowLogs/.test(id))
        .sort(),
    );
  });

  it('creates S3 and DynamoDB gateway endpoints routed from the app tier', () => {
    const appTables = ['10.0.10.0/24', '10.0.11.0/24'].map((c) => ({
      Ref: routeTableOf(t, subnetIdByCidr(t, c)),
    }));
    for (const service of ['s3', 'dynamodb']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: Match.arrayEquals(appTables),
      });
    }
  });

  it('limits the gateway endpoints to resources of the payment account and the AWS-owned buckets configured', () => {
    const bucket = (name: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${name}/*`]],
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 's3:*',
            Condition: { StringEquals: { 'aws:ResourceAccount': ['111111111111'] } },
          }),
          {
            Sid: 'EcrImageLayers',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Resource: bucket('prod-us-east-1-starport-layer-bucket'),
          },
          {
            Sid: 'AmazonLinux2023PackageRepositories',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Resource: bucket('al2023-repos-us-east-1-de612dc2'),
          },
          {
            Sid: 'CloudFormationCustomResourceResponses',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Resource: bucket('cloudformation-custom-resource-response-useast1'),
          },
        ],
      },
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'dynamodb:*',
            Condition: { StringEquals: { 'aws:ResourceAccount': ['111111111111'] } },
          }),
        ],
      },
    });
  });

  it('admits only the AWS-owned buckets listed: dropping one from the config drops its statement', () => {
    const env = synthEnvironment(
      'dev',
      { network: { awsOwnedBuckets: ['ecr-image-layers', 'cloudformation-responses'] } },
      NO_GATE,
    );
    const endpoints = JSON.stringify(resourcesOf(env.template(env.stacks.network), 'AWS::EC2::VPCEndpoint'));
    expect(endpoints).toContain('starport-layer-bucket');
    expect(endpoints).not.toContain('al2023-repos');
  });

  it('creates every configured interface endpoint with private DNS, HTTPS from the VPC only', () => {
    const endpoints = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).filter(
      (r) => r.Properties.VpcEndpointType === 'Interface',
    );
    const names = endpoints.map((r) =>
      String(r.Properties.ServiceName).replace('com.amazonaws.us-east-1.', ''),
    );
    expect(names.sort()).toEqual(['ecr.api', 'ecr.dkr', 'kms', 'logs', 'secretsmanager', 'sqs']);
    expect(endpoints.every((r) => r.Properties.PrivateDnsEnabled === true)).toBe(true);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Interface VPC endpoints'),
      SecurityGroupIngress: [
        {
          CidrIp: '10.0.0.0/16',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: Match.anyValue(),
        },
      ],
    });
  });

  it('puts every interface endpoint in the first AZ only (endpointAzs one): the app subnet of us-east-1a', () => {
    const appSubnetA = subnetIdByCidr(t, '10.0.10.0/24');
    const interfaces = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).filter(
      (r) => r.Properties.VpcEndpointType === 'Interface',
    );
    expect(interfaces).toHaveLength(6);
    for (const endpoint of interfaces) expect(endpoint.Properties.SubnetIds).toEqual([{ Ref: appSubnetA }]);
  });

  it('with endpointAzs all, puts each interface endpoint in the app subnet of every AZ', () => {
    const all = synthEnvironment(
      'dev',
      { network: { endpointAzs: 'all', natInstance: { amiIds: { 'us-east-1': 'ami-0123456789abcdef0' } } } },
      NO_GATE,
    );
    const at = all.template(all.stacks.network);
    const appSubnets = ['10.0.10.0/24', '10.0.11.0/24'].map((cidr) => ({ Ref: subnetIdByCidr(at, cidr) }));
    const interfaces = Object.values(resourcesOf(at, 'AWS::EC2::VPCEndpoint')).filter(
      (r) => r.Properties.VpcEndpointType === 'Interface',
    );
    for (const endpoint of interfaces) expect(endpoint.Properties.SubnetIds).toEqual(appSubnets);
  });

  it('data NACL admits only PostgreSQL from the app and data tiers, and return traffic from the VPC', () => {
    const entries = aclEntriesForSubnet(t, '10.0.20.0/24');
    expect(entries.filter((e) => !e.egress).sort(byKey)).toEqual(
      [
        tcp('10.0.10.0/24', 5432),
        tcp('10.0.11.0/24', 5432),
        tcp('10.0.20.0/24', 5432),
        tcp('10.0.21.0/24', 5432),
        tcp('10.0.0.0/16', 1024, 65535),
      ].sort(byKey),
    );
    expect(entries.some((e) => e.cidr === '0.0.0.0/0')).toBe(false);
    expect(entries.every((e) => e.action === 'allow')).toBe(true);
    expect(aclEntriesForSubnet(t, '10.0.21.0/24')).toEqual(entries);
  });

  it('app NACL admits the public tier, HTTPS from the VPC and ephemeral return traffic only', () => {
    const ingress = aclEntriesForSubnet(t, '10.0.10.0/24').filter((e) => !e.egress);
    expect(ingress.sort(byKey)).toEqual(
      [
        tcp('10.0.0.0/24', 1, 65535),
        tcp('10.0.1.0/24', 1, 65535),
        tcp('10.0.0.0/16', 443),
        tcp('0.0.0.0/0', 1024, 3388),
        tcp('0.0.0.0/0', 3390, 65535),
      ].sort(byKey),
    );
    // nacl-no-unrestricted-ssh-rdp / Control Tower: nothing from anywhere reaches 22 or 3389 in the app tier.
    for (const port of REMOTE_ADMIN_PORTS) {
      const open = ingress.filter(
        (e) =>
          e.cidr === '0.0.0.0/0' && (e.protocol === -1 || ((e.from ?? 0) <= port && port <= (e.to ?? 65535))),
      );
      expect(open, `port ${port}`).toEqual([]);
    }
    const egress = aclEntriesForSubnet(t, '10.0.10.0/24').filter((e) => e.egress);
    expect(egress).toContainEqual(tcp('10.0.20.0/24', 5432, 5432, true));
    expect(egress).toContainEqual(tcp('0.0.0.0/0', 443, 443, true));
  });

  it('public NACL admits HTTPS, HTTP and ephemeral return traffic only', () => {
    const ingress = aclEntriesForSubnet(t, '10.0.0.0/24').filter((e) => !e.egress);
    expect(ingress.sort(byKey)).toEqual(
      [tcp('0.0.0.0/0', 443), tcp('0.0.0.0/0', 80), tcp('0.0.0.0/0', 1024, 65535)].sort(byKey),
    );
  });

  it('strips all rules from the default security group', () => {
    t.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('PaymentVpc'), 'DefaultSecurityGroup'],
      },
    });
  });

  it('outputs the VPC id and the subnet ids of each tier', () => {
    for (const name of ['VpcId', 'PublicSubnetIds', 'AppSubnetIds', 'DataSubnetIds']) t.hasOutput(name, {});
    t.hasOutput('DataSubnetIds', {
      Value: {
        'Fn::Join': [
          '',
          [{ Ref: subnetIdByCidr(t, '10.0.20.0/24') }, ',', { Ref: subnetIdByCidr(t, '10.0.21.0/24') }],
        ],
      },
    });
  });

  it('exposes the VPC with the subnet groups other stacks select by name', () => {
    expect(env.stacks.network.vpc.selectSubnets({ subnetGroupName: 'app' }).subnets).toHaveLength(2);
    expect(env.stacks.network.vpc.selectSubnets({ subnetGroupName: 'data' }).subnets).toHaveLength(2);
    expect(env.stacks.network.vpc.selectSubnets({ subnetGroupName: 'public' }).subnets).toHaveLength(2);
  });
});

describe('NetworkStack NAT strategies', () => {
  it('staging: one NAT gateway shared by every app subnet', () => {
    const env = synthEnvironment('staging', {}, NO_GATE);
    const t = env.template(env.stacks.network);
    const gateways = Object.keys(resourcesOf(t, 'AWS::EC2::NatGateway'));
    expect(gateways).toHaveLength(1);
    for (const cidr of ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24']) {
      const routes = defaultRoutes(t, routeTableOf(t, subnetIdByCidr(t, cidr)));
      expect(routes).toEqual([expect.objectContaining({ NatGatewayId: { Ref: gateways[0] } })]);
    }
    expect(resourcesOf(t, 'AWS::EC2::Instance')).toEqual({});
  });

  it('prod: a NAT gateway per AZ, each app subnet routed to the one in its AZ, everything retained', () => {
    const env = synthEnvironment('prod', {}, NO_GATE);
    const t = env.template(env.stacks.network);
    const gateways = resourcesOf(t, 'AWS::EC2::NatGateway');
    expect(Object.keys(gateways)).toHaveLength(3);
    const publicByAz: Record<string, string> = {
      'us-east-1a': subnetIdByCidr(t, '10.0.0.0/24'),
      'us-east-1b': subnetIdByCidr(t, '10.0.1.0/24'),
      'us-east-1c': subnetIdByCidr(t, '10.0.2.0/24'),
    };
    for (const [cidr, az] of [
      ['10.0.10.0/24', 'us-east-1a'],
      ['10.0.11.0/24', 'us-east-1b'],
      ['10.0.12.0/24', 'us-east-1c'],
    ] as const) {
      const [route] = defaultRoutes(t, routeTableOf(t, subnetIdByCidr(t, cidr)));
      const gateway = gateways[(route!.NatGatewayId as { Ref: string }).Ref]!;
      expect((gateway.Properties.SubnetId as { Ref: string }).Ref).toBe(publicByAz[az]);
    }
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    expect(resourcesOf(t, 'Custom::S3AutoDeleteObjects')).toEqual({});
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const interfaces = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).filter(
      (r) => r.Properties.VpcEndpointType === 'Interface',
    );
    expect(interfaces).toHaveLength(env.config.network.interfaceEndpoints.length);
  });

  it('instance strategy over 3 AZs: one NAT instance per AZ, every app subnet routed', () => {
    const env = synthEnvironment('staging', { network: { natStrategy: 'instance' } }, NO_GATE);
    const t = env.template(env.stacks.network);
    const instances = resourcesOf(t, 'AWS::EC2::Instance');
    expect(Object.keys(instances)).toHaveLength(3);
    const targets = ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'].map(
      (cidr) =>
        (defaultRoutes(t, routeTableOf(t, subnetIdByCidr(t, cidr)))[0]!.InstanceId as { Ref: string }).Ref,
    );
    expect(new Set(targets).size).toBe(3);
  });
});
