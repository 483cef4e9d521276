import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { AccessLogBucket } from '../constructs/access-log-bucket.js';
import { allowLogDelivery } from '../constructs/encryption-keys.js';
import { VpcFlowLogs } from '../constructs/network/flow-logs.js';
import { tierSubnetCidrs } from '../constructs/network/tiered-ip-addresses.js';
import { TIER_OFFSETS, TieredVpc } from '../constructs/network/tiered-vpc.js';
import { PeeringAccepterRole, cdkExecutionRoleArn } from '../constructs/peering/accepter-role.js';
import { AnalyticsNetworkAcls } from '../constructs/peering/analytics-network-acls.js';
import { POSTGRES_PORT } from '../constructs/data/postgres.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface AnalyticsStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The analytics VPC in `accounts.analytics` (ADR 0037): public and private tiers, NAT per `peering.natStrategy`,
 * flow logs to a bucket of this account, per-tier NACLs, the analytics database client group, the peering
 * accepter role and the analytics private hosted zone.
 */
export class AnalyticsStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly privateSubnets: readonly ec2.ISubnet[];
  readonly accepterRole: PeeringAccepterRole;
  readonly nacls: AnalyticsNetworkAcls;
  readonly flowLogs: VpcFlowLogs;
  /** For analytics workloads: PostgreSQL to the payment data tier (the Aurora reader) and nothing else. */
  readonly databaseClientGroup: ec2.SecurityGroup;
  readonly zone: route53.PrivateHostedZone;
  /** Key of this account's logs (flow logs, the peering API calls' provider logs). */
  readonly logsKey: kms.IKey;

  private readonly configuredAzs: string[];

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { network, peering } = config;
    this.configuredAzs = [...config.availabilityZones];
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const paymentDataCidrs = tierSubnetCidrs(
      network.vpcCidrs.payment,
      TIER_OFFSETS.data,
      config.availabilityZones.length,
    );

    const tiered = new TieredVpc(this, 'AnalyticsVpc', {
      cidr: network.vpcCidrs.analytics,
      availabilityZones: config.availabilityZones,
      layout: 'two-tier',
      natMode: peering.natStrategy,
      natInstance: {
        instanceType: new ec2.InstanceType(network.natInstance.instanceType),
        machineImage: ec2.MachineImage.genericLinux(network.natInstance.amiIds),
      },
    });
    this.vpc = tiered.vpc;
    this.privateSubnets = tiered.subnets('private');

    // This account has no security stack: the flow logs get their own key, with the log-delivery grants.
    const logsKey = (this.logsKey = new kms.Key(this, 'LogsKey', {
      description: 'Tessera analytics logs key: analytics VPC flow logs (log group and bucket)',
      alias: `alias/tessera/${config.envName}/analytics-logs`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    }));
    allowLogDelivery(logsKey);

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: uniqueName(this, 'an-access-logs'),
      expirationDays: peering.flowLogs.expirationDays,
      removalPolicy,
    });
    this.flowLogs = new VpcFlowLogs(this, 'FlowLogs', {
      vpc: tiered.vpc,
      encryptionKey: logsKey,
      logGroupName: uniqueName(this, 'an-flow-logs'),
      retention: config.logRetentionDays as logs.RetentionDays,
      bucketName: uniqueName(this, 'an-flow-logs'),
      accessLogBucket: accessLogs.bucket,
      expirationDays: peering.flowLogs.expirationDays,
      removalPolicy,
    });

    this.nacls = new AnalyticsNetworkAcls(this, 'Nacls', {
      vpc: tiered.vpc,
      vpcCidr: network.vpcCidrs.analytics,
      paymentVpcCidr: network.vpcCidrs.payment,
      paymentDataCidrs,
      publicSubnets: tiered.subnets('public'),
      privateSubnets: this.privateSubnets,
    });

    this.databaseClientGroup = new ec2.SecurityGroup(this, 'DatabaseClientGroup', {
      vpc: tiered.vpc,
      description: 'Analytics database client: PostgreSQL to the payment data tier (Aurora reader) only',
      allowAllOutbound: false,
    });
    paymentDataCidrs.forEach((cidr) =>
      this.databaseClientGroup.addEgressRule(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(POSTGRES_PORT),
        `PostgreSQL to the payment data subnet ${cidr}`,
      ),
    );

    this.accepterRole = new PeeringAccepterRole(this, 'PeeringAccepter', {
      vpcId: tiered.vpc.vpcId,
      requesterRoleArn: cdkExecutionRoleArn(this, config.accounts.payment, config.regions.primary),
      roleName: uniqueName(this, 'peer-accepter'),
    });

    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: peering.zoneNames.analytics,
      vpc: tiered.vpc,
      comment: `Tessera ${config.envName}: names inside the analytics VPC`,
    });

    new CfnOutput(this, 'VpcId', { value: tiered.vpc.vpcId, description: 'Analytics VPC id' });
    new CfnOutput(this, 'AccepterRoleArn', {
      value: this.accepterRole.role.roleArn,
      description: 'Role the payment account assumes to accept the VPC peering request',
    });
    new CfnOutput(this, 'DatabaseClientGroupId', {
      value: this.databaseClientGroup.securityGroupId,
      description: 'Security group for analytics workloads that read the payment database',
    });
  }

  /** The configured zones, so synth never looks them up. */
  override get availabilityZones(): string[] {
    return this.configuredAzs;
  }
}
