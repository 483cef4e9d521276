import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { type NatInstanceOptions, type NatMode, planNat } from './nat.js';
import { TieredIpAddresses } from './tiered-ip-addresses.js';

/** Subnet group names; other stacks select subnets with `{ subnetGroupName: SUBNET_GROUPS.app }`. */
export const SUBNET_GROUPS = { public: 'public', app: 'app', data: 'data', private: 'private' } as const;

/** Third-octet offsets of each tier (see docs/adr on the subnet layout); `private` is the two-tier layout's. */
export const TIER_OFFSETS = { public: 0, app: 10, data: 20, private: 10 } as const;

/**
 * `three-tier`: public, app (private with egress), data (isolated): the payment VPC.
 * `two-tier`: public and private (with egress): the analytics VPC (ADR 0037).
 */
export type TierLayout = 'three-tier' | 'two-tier';

const LAYOUT_TIERS: Record<TierLayout, readonly (keyof typeof SUBNET_GROUPS)[]> = {
  'three-tier': ['public', 'app', 'data'],
  'two-tier': ['public', 'private'],
};

export interface TieredVpcProps {
  /** VPC CIDR, /16 or larger. */
  readonly cidr: string;
  /** Availability zones to span, in order. */
  readonly availabilityZones: readonly string[];
  /** How the app tier reaches the internet. */
  readonly natMode: NatMode;
  /**
   * NAT instance settings; required when `natMode` is `instance`.
   * @default - none
   */
  readonly natInstance?: NatInstanceOptions;
  /**
   * The tiers.
   * @default 'three-tier'
   */
  readonly layout?: TierLayout;
}

/**
 * Three-tier VPC: `public` (ALB, NAT), `app` (private with egress through NAT), `data` (isolated).
 * Public subnets never assign public IPs on launch, the default security group has no rules, and NAT
 * instances (if used) require IMDSv2 and admit only traffic from inside the VPC.
 */
export class TieredVpc extends Construct {
  readonly vpc: ec2.Vpc;
  /** NAT instances when `natMode` is `instance`, otherwise empty. */
  readonly natInstances: readonly ec2.Instance[];

  constructor(scope: Construct, id: string, props: TieredVpcProps) {
    super(scope, id);
    const nat = planNat(props.natMode, props.availabilityZones.length, props.natInstance);
    const tiers = LAYOUT_TIERS[props.layout ?? 'three-tier'];
    const subnetTypes: Record<keyof typeof SUBNET_GROUPS, ec2.SubnetType> = {
      public: ec2.SubnetType.PUBLIC,
      app: ec2.SubnetType.PRIVATE_WITH_EGRESS,
      data: ec2.SubnetType.PRIVATE_ISOLATED,
      private: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    };

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new TieredIpAddresses({
        cidr: props.cidr,
        tierOffsets: Object.fromEntries(tiers.map((tier) => [tier, TIER_OFFSETS[tier]])),
        availabilityZones: props.availabilityZones,
      }),
      availabilityZones: [...props.availabilityZones],
      enableDnsHostnames: true,
      enableDnsSupport: true,
      natGatewayProvider: nat.provider,
      natGateways: nat.count,
      natGatewaySubnets: { subnetGroupName: SUBNET_GROUPS.public },
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: tiers.map((tier) => ({
        name: SUBNET_GROUPS[tier],
        subnetType: subnetTypes[tier],
        cidrMask: 24,
        ...(tier === 'public' ? { mapPublicIpOnLaunch: false } : {}),
      })),
    });

    if (nat.instanceProvider) {
      // Only what the tier NACLs let the app tier send out (HTTPS, HTTP), and only from inside the VPC.
      for (const port of [443, 80]) {
        nat.instanceProvider.connections.allowFrom(
          ec2.Peer.ipv4(props.cidr),
          ec2.Port.tcp(port),
          `NAT for workloads inside the VPC (tcp ${port})`,
        );
      }
      this.natInstances = nat.instanceProvider.gatewayInstances;
      this.natInstances.forEach((instance) => hardenNatInstance(instance));
    } else {
      this.natInstances = [];
    }

    for (const subnet of this.vpc.publicSubnets) {
      const reason =
        'The public tier exists to reach the internet: it holds only the ALB and NAT, nothing there gets a public ' +
        'IP on launch, and the app and data tiers have no route to the internet gateway.';
      const route = subnet.node.findChild('DefaultRoute');
      acknowledge(
        route,
        ['PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW'],
        reason,
      );
    }
    acknowledge(
      this.vpc,
      'CloudFormation-Validate::W3010',
      'Availability zones are explicit on purpose: they come from the validated environment config so synth ' +
        'needs no AWS lookups, and the config rejects zones outside the primary region.',
    );
  }

  /** Subnets of one tier. */
  subnets(group: keyof typeof SUBNET_GROUPS): ec2.ISubnet[] {
    return this.vpc.selectSubnets({ subnetGroupName: SUBNET_GROUPS[group] }).subnets;
  }
}

/** Encrypted root volume, detailed monitoring, and the acknowledgements a NAT instance needs by its nature. */
function hardenNatInstance(instance: ec2.Instance): void {
  const cfn = instance.node.defaultChild as ec2.CfnInstance;
  cfn.blockDeviceMappings = [
    { deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } },
  ];
  cfn.monitoring = true;
  // NatInstanceProviderV2 has no IMDSv2 switch (aws/aws-cdk#23803), and InstanceRequireImdsv2Aspect names every
  // template after the construct id (all NAT instances would share one name), so each gets an unnamed template.
  const template = new ec2.CfnLaunchTemplate(instance, 'MetadataOptions', {
    launchTemplateData: { metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' } },
  });
  cfn.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };

  const publicIp =
    'A NAT instance needs a public IPv4 address to translate outbound traffic; its security group admits only ' +
    'HTTPS/HTTP from the VPC CIDR and nothing from the internet.';
  acknowledge(
    instance,
    ['PCI.DSS.321-EC2InstanceNoPublicIp', 'NIST.800.53.R5-EC2InstanceNoPublicIp'],
    publicIp,
  );
  const inVpc =
    'The instance is launched into the public subnet of this VPC through its primary network interface ' +
    '(NetworkInterfaces[0].SubnetId, needed to request a public IP); the rule only reads the top-level SubnetId.';
  acknowledge(instance, ['PCI.DSS.321-EC2InstancesInVPC', 'NIST.800.53.R5-EC2InstancesInVPC'], inVpc);
  acknowledge(
    instance,
    'AwsSolutions-EC29',
    'NAT instances are stateless and owned by CloudFormation (recovery is a redeploy); they serve the dev ' +
      'strategy, whose environment must be destroyable, while staging and prod use managed NAT gateways.',
  );
  acknowledge(
    instance,
    'CloudFormation-Validate::W9010',
    'The NAT AMI is pinned on purpose (per region, from the environment config) so an Amazon Linux release ' +
      'does not replace the NAT instances on the next deploy; it is refreshed deliberately.',
  );
}
