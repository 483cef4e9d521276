import { describe, expect, it } from 'vitest';
import { defaultsFor, validateConfig } from '../../config/index.js';
import { cidrsOverlap } from '../../config/network.js';
import { rejected } from '../support/config.js';

describe('network section (config/network.ts)', () => {
  it('rejects overlapping VPC CIDRs', () => {
    const e = rejected((c) => (c.network.vpcCidrs.analytics = '10.0.128.0/17'));
    expect(e.message).toContain(
      'network.vpcCidrs.analytics: got "10.0.128.0/17"; must not overlap network.vpcCidrs.payment (10.0.0.0/16)',
    );
  });

  it('tells overlapping from adjacent blocks', () => {
    expect(cidrsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/16', '10.0.255.0/24')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/8', '10.200.0.0/16')).toBe(true);
    expect(cidrsOverlap('192.168.0.0/24', '192.168.1.0/24')).toBe(false);
  });

  it('rejects a malformed CIDR', () => {
    const e = rejected((c) => (c.network.vpcCidrs.payment = '10.0.0.0/33'));
    expect(e.message).toMatch(
      /network\.vpcCidrs\.payment: got "10\.0\.0\.0\/33"; must be an IPv4 CIDR block/,
    );
  });

  it('rejects a payment VPC smaller than /16 (the subnet layout needs it)', () => {
    const e = rejected((c) => (c.network.vpcCidrs.payment = '10.0.0.0/20'));
    expect(e.message).toMatch(/network\.vpcCidrs\.payment: got "10\.0\.0\.0\/20"; must be a \/16 or larger/);
  });

  it('puts the interface endpoints in one AZ in dev only; staging and prod keep every AZ', () => {
    expect(defaultsFor('dev').network.endpointAzs).toBe('one');
    expect(defaultsFor('staging').network.endpointAzs).toBe('all');
    expect(defaultsFor('prod').network.endpointAzs).toBe('all');
  });

  it('rejects an unknown endpointAzs, naming the allowed values', () => {
    const e = rejected((c) => ((c.network as Record<string, unknown>).endpointAzs = 'two'));
    expect(e.message).toContain('network.endpointAzs: got "two"; must be one of all | one');
  });

  it('rejects an unknown NAT strategy', () => {
    const e = rejected((c) => ((c.network as Record<string, unknown>).natStrategy = 'nat-box'));
    expect(e.message).toContain(
      'network.natStrategy: got "nat-box"; must be one of gateway-per-az | single-gateway | instance',
    );
  });

  it('requires a pinned NAT AMI for the primary region when NAT instances are used', () => {
    const e = rejected((c) => (c.network.natInstance.amiIds = {}));
    expect(e.message).toContain(
      "network.natInstance.amiIds.us-east-1: is missing; natStrategy 'instance' needs a pinned AMI",
    );
    const gateways = defaultsFor('prod');
    gateways.network.natInstance.amiIds = {};
    expect(() => validateConfig(gateways)).not.toThrow();
  });

  it('rejects a malformed AMI id', () => {
    const e = rejected((c) => (c.network.natInstance.amiIds = { 'us-east-1': 'ami-xyz' }));
    expect(e.message).toMatch(/network\.natInstance\.amiIds\.us-east-1: got "ami-xyz"; must be an AMI id/);
  });

  it('rejects an unknown interface endpoint or AWS-owned bucket', () => {
    const e = rejected(
      (c) => ((c.network.interfaceEndpoints as string[]) = [...c.network.interfaceEndpoints, 'dynamo']),
    );
    // dev lists six endpoints, so the seventh entry (index 6) is the unknown one.
    expect(e.message).toMatch(
      /network\.interfaceEndpoints\.6: got "dynamo"; must be one of secretsmanager \| kms/,
    );
    const b = rejected((c) => ((c.network.awsOwnedBuckets as string[]) = ['ecr-image-layers', 'my-bucket']));
    expect(b.message).toContain(
      'network.awsOwnedBuckets.1: got "my-bucket"; must be one of ecr-image-layers | amazon-linux-repositories | cloudformation-responses',
    );
  });

  it('requires the CloudFormation response bucket: the database bootstrap answers from the app subnets', () => {
    const e = rejected(
      (c) => (c.network.awsOwnedBuckets = ['ecr-image-layers', 'amazon-linux-repositories']),
    );
    expect(e.message).toContain(
      'network.awsOwnedBuckets: got ["ecr-image-layers","amazon-linux-repositories"]; must include cloudformation-responses',
    );
  });

  it('rejects a flow-log Glacier transition at or after expiry', () => {
    const e = rejected(
      (c) => (c.network.flowLogs = { glacierTransitionDays: 400, expirationDays: 400 }),
      'staging',
    );
    expect(e.message).toContain(
      'network.flowLogs.glacierTransitionDays: got 400; must be smaller than network.flowLogs.expirationDays (400)',
    );
  });
});
