import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { TieredIpAddresses } from '../../../lib/constructs/network/tiered-ip-addresses.js';

const tiers = { public: 0, app: 10, data: 20 };

function subnetCidrs(cidr: string, azs: string[]): string[] {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: new TieredIpAddresses({ cidr, tierOffsets: tiers, availabilityZones: azs }),
    availabilityZones: azs,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  return [...vpc.publicSubnets, ...vpc.isolatedSubnets].map((s) => s.ipv4CidrBlock);
}

describe('TieredIpAddresses', () => {
  it('places each tier at its offset and each AZ at the next /24', () => {
    expect(subnetCidrs('10.1.0.0/16', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])).toEqual([
      '10.1.0.0/24',
      '10.1.1.0/24',
      '10.1.2.0/24',
      '10.1.20.0/24',
      '10.1.21.0/24',
      '10.1.22.0/24',
    ]);
  });

  it('keeps existing subnet CIDRs when an AZ is added', () => {
    const two = subnetCidrs('10.0.0.0/16', ['eu-west-1a', 'eu-west-1b']);
    const three = subnetCidrs('10.0.0.0/16', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(three).toEqual(expect.arrayContaining(two));
  });

  it('rejects a VPC smaller than /16', () => {
    expect(
      () => new TieredIpAddresses({ cidr: '10.0.0.0/20', tierOffsets: tiers, availabilityZones: ['a'] }),
    ).toThrow("tiered subnets need a /16 or larger IPv4 VPC CIDR, got '10.0.0.0/20'");
  });

  it('rejects tiers that would overlap with this many AZs', () => {
    const azs = Array.from({ length: 11 }, (_, i) => `az${i}`);
    expect(
      () => new TieredIpAddresses({ cidr: '10.0.0.0/16', tierOffsets: tiers, availabilityZones: azs }),
    ).toThrow(/tier 'public' at offset 0 with 11 AZs overlaps the next tier/);
  });
});
