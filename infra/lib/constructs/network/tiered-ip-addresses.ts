import type * as ec2 from 'aws-cdk-lib/aws-ec2';

export interface TieredIpAddressesProps {
  /** VPC CIDR block, a /16 or larger (for example 10.0.0.0/16). */
  readonly cidr: string;
  /**
   * Third-octet offset of each subnet group's first /24. A group's subnet in the n-th AZ gets offset + n.
   * For example `{ public: 0, app: 10, data: 20 }` gives 10.0.0.0/24, 10.0.10.0/24, 10.0.20.0/24 in the first AZ.
   */
  readonly tierOffsets: Readonly<Record<string, number>>;
  /** Availability zones in order; the index of a zone selects the subnet within its tier. */
  readonly availabilityZones: readonly string[];
}

/**
 * Deterministic /24 per tier and AZ, instead of CDK's sequential packing, so subnet CIDRs stay stable and
 * readable (tier in the tens digit, zone in the units digit) and do not shift when an AZ is added.
 */
export class TieredIpAddresses implements ec2.IIpAddresses {
  private readonly base: number;

  constructor(private readonly props: TieredIpAddressesProps) {
    const [ip = '', bitsText = ''] = props.cidr.split('/');
    const octets = ip.split('.').map(Number);
    const bits = Number(bitsText);
    if (
      octets.length !== 4 ||
      octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) ||
      !(bits <= 16)
    ) {
      throw new Error(`tiered subnets need a /16 or larger IPv4 VPC CIDR, got '${props.cidr}'`);
    }
    this.base = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16);
    const spacing = props.availabilityZones.length;
    const offsets = Object.entries(props.tierOffsets).sort(([, a], [, b]) => a - b);
    offsets.forEach(([name, offset], i) => {
      const next = offsets[i + 1];
      if (offset < 0 || offset + spacing > 256 || (next && offset + spacing > next[1])) {
        throw new Error(
          `tier '${name}' at offset ${offset} with ${spacing} AZs overlaps the next tier or leaves the /16`,
        );
      }
    });
  }

  allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.props.cidr };
  }

  allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    return {
      allocatedSubnets: input.requestedSubnets.map((subnet) => {
        const offset = this.props.tierOffsets[subnet.configuration.name];
        const azIndex = this.props.availabilityZones.indexOf(subnet.availabilityZone);
        if (offset === undefined) {
          throw new Error(`subnet group '${subnet.configuration.name}' has no tier offset`);
        }
        if (azIndex < 0) throw new Error(`availability zone '${subnet.availabilityZone}' is not configured`);
        if (subnet.configuration.cidrMask !== undefined && subnet.configuration.cidrMask !== 24) {
          throw new Error(
            `tiered subnets are /24; subnet group '${subnet.configuration.name}' asks for a different mask`,
          );
        }
        return { cidr: `${toDotted(this.base + (offset + azIndex) * 256)}/24` };
      }),
    };
  }
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/**
 * The /24s one tier gets in a /16-or-larger `vpcCidr` across `azCount` zones, as {@link TieredIpAddresses}
 * allocates them: for stacks that must name another VPC's subnets (peering NACL entries and security-group
 * rules) from the configuration, without a reference to that VPC.
 */
export function tierSubnetCidrs(vpcCidr: string, tierOffset: number, azCount: number): string[] {
  const [ip = ''] = vpcCidr.split('/');
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return Array.from({ length: azCount }, (_, i) => `${a}.${b}.${tierOffset + i}.0/24`);
}
