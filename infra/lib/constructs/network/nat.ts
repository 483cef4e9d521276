import * as ec2 from 'aws-cdk-lib/aws-ec2';

export type NatMode = 'gateway-per-az' | 'single-gateway' | 'instance';

export interface NatInstanceOptions {
  /** Instance type of each NAT instance. */
  readonly instanceType: ec2.InstanceType;
  /** Pinned image, so a new AMI release does not replace the instances on the next deploy. */
  readonly machineImage: ec2.IMachineImage;
}

export interface NatPlan {
  readonly provider: ec2.NatProvider;
  readonly count: number;
  /** Set for NAT instances: their connections, to admit the VPC CIDR after the VPC exists. */
  readonly instanceProvider?: ec2.NatInstanceProviderV2;
}

/** Chooses the NAT provider and gateway count for a strategy. */
export function planNat(mode: NatMode, azCount: number, instance?: NatInstanceOptions): NatPlan {
  switch (mode) {
    case 'gateway-per-az':
      return { provider: ec2.NatProvider.gateway(), count: azCount };
    case 'single-gateway':
      return { provider: ec2.NatProvider.gateway(), count: 1 };
    case 'instance': {
      if (!instance) throw new Error("nat mode 'instance' needs instance options (type and pinned image)");
      const provider = ec2.NatProvider.instanceV2({
        instanceType: instance.instanceType,
        machineImage: instance.machineImage,
        // Nothing may reach the instances from outside; the VPC CIDR is admitted once the VPC exists.
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
        // Public subnets do not auto-assign public IPs, so the NAT instances ask for one explicitly.
        associatePublicIpAddress: true,
      });
      return { provider, count: azCount, instanceProvider: provider };
    }
  }
}
