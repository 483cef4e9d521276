import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { COMPUTE_INTERFACE_ENDPOINTS } from '../../config/app.js';
import { AccessLogBucket } from '../constructs/access-log-bucket.js';
import { AuditObjectDeletionAlerts } from '../constructs/audit-object-deletion-alerts.js';
import { VpcFlowLogs } from '../constructs/network/flow-logs.js';
import { TierNetworkAcls } from '../constructs/network/tier-network-acls.js';
import { SUBNET_GROUPS, TieredVpc } from '../constructs/network/tiered-vpc.js';
import { VpcEndpoints } from '../constructs/network/vpc-endpoints.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface NetworkStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Key for flow logs (log group and bucket); the security stack's `keys.logs`. */
  readonly logsKey: kms.IKey;
  /** Receives an alert when a flow-log or access-log object is deleted (the security stack's compliance topic). */
  readonly complianceTopic: sns.ITopic;
}

/** The payment VPC: tiers, NAT, endpoints, NACLs and flow logs. */
export class NetworkStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly flowLogs: VpcFlowLogs;
  readonly accessLogBucket: AccessLogBucket;
  /** Per-tier NACLs; peering adds its entries here. */
  readonly nacls: TierNetworkAcls;
  /** Gateway and interface endpoints, with the interface endpoints' security group. */
  readonly endpoints: VpcEndpoints;
  /** NAT instances (empty unless `natStrategy` is `instance`). */
  readonly natInstances: readonly ec2.Instance[];

  private readonly configuredAzs: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { network } = config;
    this.configuredAzs = [...config.availabilityZones];
    const removalPolicy = toRemovalPolicy(config.removalPolicy);

    const tiered = new TieredVpc(this, 'PaymentVpc', {
      cidr: network.vpcCidrs.payment,
      availabilityZones: config.availabilityZones,
      natMode: network.natStrategy,
      natInstance: {
        instanceType: new ec2.InstanceType(network.natInstance.instanceType),
        machineImage: ec2.MachineImage.genericLinux(network.natInstance.amiIds),
      },
    });
    this.vpc = tiered.vpc;
    this.natInstances = tiered.natInstances;

    this.accessLogBucket = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: uniqueName(this, 'net-access-logs'),
      expirationDays: network.flowLogs.expirationDays,
      removalPolicy,
    });

    this.flowLogs = new VpcFlowLogs(this, 'FlowLogs', {
      vpc: tiered.vpc,
      encryptionKey: props.logsKey,
      logGroupName: uniqueName(this, 'vpc-flow-logs'),
      retention: config.logRetentionDays as logs.RetentionDays,
      bucketName: uniqueName(this, 'vpc-flow-logs'),
      accessLogBucket: this.accessLogBucket.bucket,
      expirationDays: network.flowLogs.expirationDays,
      glacierTransitionDays: network.flowLogs.glacierTransitionDays,
      removalPolicy,
    });

    new AuditObjectDeletionAlerts(this, 'LogDeletions', {
      buckets: [this.flowLogs.bucket, this.accessLogBucket.bucket],
      topic: props.complianceTopic,
    });

    this.endpoints = new VpcEndpoints(this, 'Endpoints', {
      vpc: tiered.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.app },
      interfaceEndpoints: [...network.interfaceEndpoints, ...COMPUTE_INTERFACE_ENDPOINTS[config.compute]],
      interfaceAvailabilityZones:
        network.endpointAzs === 'one' ? config.availabilityZones.slice(0, 1) : undefined,
      clientCidr: network.vpcCidrs.payment,
      resourceAccounts: [config.accounts.payment],
      awsOwnedBuckets: network.awsOwnedBuckets,
    });

    this.nacls = new TierNetworkAcls(this, 'Nacls', {
      vpc: tiered.vpc,
      vpcCidr: network.vpcCidrs.payment,
      publicSubnets: tiered.subnets('public'),
      appSubnets: tiered.subnets('app'),
      dataSubnets: tiered.subnets('data'),
    });

    new CfnOutput(this, 'VpcId', { value: tiered.vpc.vpcId, description: 'Payment VPC id' });
    for (const tier of ['public', 'app', 'data'] as const) {
      new CfnOutput(this, `${tier.charAt(0).toUpperCase()}${tier.slice(1)}SubnetIds`, {
        value: tiered
          .subnets(tier)
          .map((s) => s.subnetId)
          .join(','),
        description: `Subnet ids of the ${tier} tier, in AZ order`,
      });
    }
  }

  /** The configured zones, so synth never looks them up. */
  override get availabilityZones(): string[] {
    return this.configuredAzs;
  }
}
