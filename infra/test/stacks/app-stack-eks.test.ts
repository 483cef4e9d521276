import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPUTE_INTERFACE_ENDPOINTS } from '../../config/app.js';
import { EKS_ADDON_VERSIONS } from '../../config/eks.js';
import { EKS_CLUSTER_ADMIN_POLICY } from '../../lib/constructs/compute/eks-cluster.js';
import { describeFindings, type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read CloudFormation JSON field by field
type Json = Record<string, any>;

function resources(t: Template, type: string): [string, Json][] {
  return Object.entries(t.findResources(type)).map(([id, r]) => [id, r as Json]);
}
function only(t: Template, type: string): Json {
  const all = resources(t, type);
  expect(all, type).toHaveLength(1);
  return all[0]![1].Properties as Json;
}
function idOf(t: Template, type: string, descriptionPrefix?: string): string {
  const match = resources(t, type).find(
    ([, r]) =>
      descriptionPrefix === undefined || String(r.Properties?.GroupDescription).startsWith(descriptionPrefix),
  );
  if (!match) throw new Error(`no ${type} ${descriptionPrefix ?? ''}`);
  return match[0];
}

describe('AppStack, compute eks (prod)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', { compute: 'eks' }, { complianceGate: false });
    t = env.template(env.stacks.app);
  });

  it('runs a private control plane with KMS-encrypted secrets, all log types, access entries only', () => {
    const cluster = only(t, 'AWS::EKS::Cluster');
    expect(cluster).toMatchObject({
      Name: 'tessera-prod-payments',
      Version: '1.36',
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      BootstrapSelfManagedAddons: false,
      UpgradePolicy: { SupportType: 'STANDARD' },
      DeletionProtection: true,
    });
    expect(cluster.Logging.ClusterLogging.EnabledTypes.map((l: Json) => l.Type)).toEqual([
      'api',
      'audit',
      'authenticator',
      'controllerManager',
      'scheduler',
    ]);
    expect(cluster.EncryptionConfig).toEqual([
      {
        Provider: { KeyArn: { 'Fn::GetAtt': [expect.stringMatching(/SecretsKey/), 'Arn'] } },
        Resources: ['secrets'],
      },
    ]);
    const key = resources(t, 'AWS::KMS::Key').find(([id]) => /SecretsKey/.test(id))![1];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const subnets = env.stacks.network.vpc.selectSubnets({ subnetGroupName: 'app' }).subnetIds;
    expect(cluster.ResourcesVpcConfig.SubnetIds).toHaveLength(subnets.length);
  });

  it('pre-creates /aws/eks/<name>/cluster encrypted with the logs key and the environment retention', () => {
    const [id, group] = resources(t, 'AWS::Logs::LogGroup').find(
      ([, r]) => r.Properties.LogGroupName === '/aws/eks/tessera-prod-payments/cluster',
    )!;
    expect(group.Properties.KmsKeyId).toBeDefined();
    expect(group.Properties.RetentionInDays).toBe(env.config.app.logRetentionDays);
    const clusterId = idOf(t, 'AWS::EKS::Cluster');
    expect(t.toJSON().Resources[clusterId].DependsOn).toContain(id);
  });

  it('grants the configured role cluster admin through an access entry', () => {
    expect(only(t, 'AWS::EKS::AccessEntry')).toMatchObject({
      PrincipalArn: env.config.app.eks.adminRoleArn,
      Type: 'STANDARD',
      AccessPolicies: [{ PolicyArn: EKS_CLUSTER_ADMIN_POLICY, AccessScope: { Type: 'cluster' } }],
    });
  });

  it('runs a Graviton AL2023 node group sized from app.scaling, from an IMDSv2 hop-1 encrypted gp3 template', () => {
    const group = only(t, 'AWS::EKS::Nodegroup');
    const { scaling, eks } = env.config.app;
    expect(group).toMatchObject({
      AmiType: 'AL2023_ARM_64_STANDARD',
      CapacityType: 'ON_DEMAND',
      InstanceTypes: [eks.nodeInstanceType],
      ScalingConfig: {
        MinSize: scaling.minCapacity,
        MaxSize: scaling.maxCapacity,
        DesiredSize: scaling.desiredCapacity,
      },
    });
    expect(eks.nodeInstanceType).toMatch(/^[a-z]+\d+g/);
    const template = resources(t, 'AWS::EC2::LaunchTemplate').find(([id]) => id.includes('Nodes'))![1]
      .Properties.LaunchTemplateData;
    expect(template.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(template.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: expect.anything() }),
      },
    ]);
    expect(template.IamInstanceProfile).toBeUndefined();
    expect(template.ImageId).toBeUndefined();
  });

  it('raises and lowers the node floor on weekdays through EventBridge Scheduler', () => {
    const { scaling } = env.config.app;
    const schedules = resources(t, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties as Json);
    expect(schedules.map((s) => s.ScheduleExpression).sort()).toEqual(
      [
        `cron(0 ${scaling.scaleDownHour} ? * MON-FRI *)`,
        `cron(0 ${scaling.scaleUpHour} ? * MON-FRI *)`,
      ].sort(),
    );
    for (const s of schedules) {
      expect(s.ScheduleExpressionTimezone).toBe(scaling.timeZone);
      expect(s.Target.Arn).toBe('arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig');
    }
    const inputs = JSON.stringify(schedules.map((s) => s.Target.Input));
    expect(inputs).toContain(`\\"minSize\\":${scaling.businessHoursMinCapacity}`);
    expect(inputs).toContain(`\\"minSize\\":${scaling.minCapacity}`);
  });

  it('installs every add-on at its pinned version, with network policy enforcement in the VPC CNI', () => {
    const addons = Object.fromEntries(
      resources(t, 'AWS::EKS::Addon').map(([, r]) => [r.Properties.AddonName, r.Properties as Json]),
    );
    expect(Object.keys(addons).sort()).toEqual(
      [
        'amazon-cloudwatch-observability',
        'aws-ebs-csi-driver',
        'aws-efs-csi-driver',
        'coredns',
        'eks-pod-identity-agent',
        'kube-proxy',
        'metrics-server',
        'vpc-cni',
      ].sort(),
    );
    expect(addons['vpc-cni']!.AddonVersion).toBe(EKS_ADDON_VERSIONS.vpcCni);
    expect(addons.coredns!.AddonVersion).toBe(EKS_ADDON_VERSIONS.coreDns);
    expect(JSON.parse(addons['vpc-cni']!.ConfigurationValues as string)).toEqual({
      enableNetworkPolicy: 'true',
    });
    for (const name of ['aws-ebs-csi-driver', 'aws-efs-csi-driver']) {
      expect(addons[name]!.PodIdentityAssociations).toEqual([
        { RoleArn: expect.anything(), ServiceAccount: expect.stringMatching(/-csi-controller-sa$/) },
      ]);
    }
  });

  it('creates the node group after the CNI, kube-proxy and the Pod Identity agent, and CoreDNS after the nodes', () => {
    const json = t.toJSON().Resources as Json;
    const nodegroupId = idOf(t, 'AWS::EKS::Nodegroup');
    const addonId = (name: string) =>
      resources(t, 'AWS::EKS::Addon').find(([, r]) => r.Properties.AddonName === name)![0];
    for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'])
      expect(json[nodegroupId].DependsOn).toContain(addonId(name));
    for (const name of ['coredns', 'aws-ebs-csi-driver', 'metrics-server'])
      expect(json[addonId(name)].DependsOn).toContain(nodegroupId);
  });

  it('keeps the shared file system KMS-encrypted, TLS-only, backed up, reachable only from the nodes', () => {
    const fs = only(t, 'AWS::EFS::FileSystem');
    expect(fs).toMatchObject({ Encrypted: true, BackupPolicy: { Status: 'ENABLED' } });
    expect(fs.KmsKeyId).toBeDefined();
    expect(fs.FileSystemPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const targets = resources(t, 'AWS::EFS::MountTarget');
    const appSubnets = env.stacks.network.vpc.selectSubnets({ subnetGroupName: 'app' }).subnets.length;
    expect(targets).toHaveLength(appSubnets);
    const efsGroup = idOf(t, 'AWS::EC2::SecurityGroup', 'Payment API shared file system');
    const nodeGroup = idOf(t, 'AWS::EC2::SecurityGroup', 'Payment API EKS nodes');
    const ingress = resources(t, 'AWS::EC2::SecurityGroupIngress')
      .map(([, r]) => r.Properties as Json)
      .filter((r) => JSON.stringify(r.GroupId).includes(efsGroup));
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 2049,
        ToPort: 2049,
        SourceSecurityGroupId: { 'Fn::GetAtt': [nodeGroup, 'GroupId'] },
      }),
    ]);
    expect(only(t, 'AWS::EFS::AccessPoint')).toMatchObject({
      PosixUser: { Uid: '1000', Gid: '1000' },
      RootDirectory: { Path: '/settlement-staging' },
    });
  });

  it('gives the pods a Pod Identity role with the grants of the other modes', () => {
    const associations = resources(t, 'AWS::EKS::PodIdentityAssociation').map(
      ([, r]) => r.Properties as Json,
    );
    expect(associations).toContainEqual(
      expect.objectContaining({ Namespace: 'payments', ServiceAccount: 'payment-api' }),
    );
    const podRole = resources(t, 'AWS::IAM::Role').find(([id]) => id.includes('PodRole'))![0];
    const policy = resources(t, 'AWS::IAM::Policy').find(([, r]) =>
      JSON.stringify(r.Properties.Roles).includes(podRole),
    )![1].Properties as Json;
    const actions = JSON.stringify(policy.PolicyDocument.Statement.map((s: Json) => s.Action));
    for (const action of [
      'kms:GenerateDataKey',
      'secretsmanager:GetSecretValue',
      'rds-db:connect',
      's3:PutObject',
    ])
      expect(actions).toContain(action);
    const trust = resources(t, 'AWS::IAM::Role').find(([id]) => id === podRole)![1].Properties
      .AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
  });

  it('uses an IP target group on the unchanged ALB, and lets the controller only (de)register targets', () => {
    expect(only(t, 'AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({
      TargetType: 'ip',
      Port: 8080,
    });
    const controller = resources(t, 'AWS::IAM::Role').find(([id]) =>
      id.includes('LoadBalancerControllerRole'),
    )![0];
    const policy = resources(t, 'AWS::IAM::Policy').find(([, r]) =>
      JSON.stringify(r.Properties.Roles).includes(controller),
    )![1].Properties as Json;
    const writes = policy.PolicyDocument.Statement.filter((s: Json) =>
      JSON.stringify(s.Action).match(/Register|Deregister|Create|Delete|Modify/),
    );
    expect(writes).toEqual([
      expect.objectContaining({
        Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        Resource: { Ref: idOf(t, 'AWS::ElasticLoadBalancingV2::TargetGroup') },
      }),
    ]);
  });

  it('admits 8080 on the nodes only from the load balancer', () => {
    const nodeGroup = idOf(t, 'AWS::EC2::SecurityGroup', 'Payment API EKS nodes');
    const lbGroup = idOf(t, 'AWS::EC2::SecurityGroup', 'Payment API load balancer');
    const on8080 = resources(t, 'AWS::EC2::SecurityGroupIngress')
      .map(([, r]) => r.Properties as Json)
      .filter((r) => JSON.stringify(r.GroupId).includes(nodeGroup) && r.FromPort <= 8080 && r.ToPort >= 8080);
    const sources = on8080.map((r) => JSON.stringify(r.SourceSecurityGroupId));
    expect(sources.some((s) => s.includes(lbGroup))).toBe(true);
    expect(on8080.every((r) => r.CidrIp === undefined)).toBe(true);
  });

  it('renders every manifest into an SSM parameter under /tessera/prod/eks/manifests', () => {
    const names = resources(t, 'AWS::SSM::Parameter').map(([, r]) => r.Properties.Name as string);
    expect(names.filter((n) => n.startsWith('/tessera/prod/eks/manifests/'))).toHaveLength(10);
    expect(names).toContain('/tessera/prod/eks/helm/aws-load-balancer-controller');
    t.hasOutput('EksManifestsPath', { Value: '/tessera/prod/eks/manifests' });
    t.hasOutput('EksClusterName', Match.anyValue());
  });

  it('turns on GuardDuty EKS add-on management and adds the endpoints the nodes call', () => {
    const security = env.template(env.stacks.security);
    const features = only(security, 'AWS::GuardDuty::Detector').Features as Json[];
    const runtime = features.find((f) => f.Name === 'RUNTIME_MONITORING')!;
    expect(runtime.AdditionalConfiguration).toContainEqual({
      Name: 'EKS_ADDON_MANAGEMENT',
      Status: 'ENABLED',
    });
    const network = JSON.stringify(env.template(env.stacks.network).findResources('AWS::EC2::VPCEndpoint'));
    for (const name of COMPUTE_INTERFACE_ENDPOINTS.eks) expect(network).toContain(`.${name}`);
  });
});

describe('compliance gate: EKS compute mode', () => {
  it.each(['dev', 'prod'] as const)('%s with compute=eks has zero unacknowledged findings', (envName) => {
    const { report } = synthEnvironment(envName, { compute: 'eks' });
    expect(report.findings, describeFindings(report.findings)).toEqual([]);
  });
});

describe.each(['fargate', 'ec2'] as const)('compute %s (prod) stays free of the EKS mode', (compute) => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthEnvironment('prod', { compute }, { complianceGate: false });
  });

  it('has no EKS, EFS, Scheduler or manifest resources in any stack', () => {
    for (const stack of Object.values(env.stacks)) {
      if (!stack) continue;
      const types = Object.values(env.template(stack).toJSON().Resources ?? {}).map((r) => (r as Json).Type);
      expect(
        types.filter((type: string) => /^AWS::(EKS|EFS|Scheduler|SSM)::/.test(type)),
        stack.stackName,
      ).toEqual([]);
    }
  });

  it('keeps exactly the configured interface endpoints and GuardDuty without the EKS add-on', () => {
    const endpoints = resources(env.template(env.stacks.network), 'AWS::EC2::VPCEndpoint').filter(
      ([, r]) => r.Properties.VpcEndpointType === 'Interface',
    );
    expect(endpoints).toHaveLength(new Set(env.config.network.interfaceEndpoints).size);
    const features = only(env.template(env.stacks.security), 'AWS::GuardDuty::Detector').Features as Json[];
    expect(features.find((f) => f.Name === 'RUNTIME_MONITORING')!.AdditionalConfiguration).toContainEqual({
      Name: 'EKS_ADDON_MANAGEMENT',
      Status: 'DISABLED',
    });
  });
});
