import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { PIN_AMI_HINT, PLACEHOLDER_AMI } from './placeholders.js';
import {
  INSTANCE_TYPE_PATTERN,
  amiIdsByRegion,
  ipv4Cidr,
  oneOf,
  positiveDays,
  type RuleIssue,
  wholeNumber,
} from './primitives.js';

export const NAT_STRATEGIES = ['gateway-per-az', 'single-gateway', 'instance'] as const;

/** Interface endpoints the network stack knows how to create (keys map to `InterfaceVpcEndpointAwsService`). */
export const INTERFACE_ENDPOINTS = [
  'secretsmanager',
  'kms',
  'ecr.api',
  'ecr.dkr',
  'logs',
  'sqs',
  'sts',
  'ssm',
  'ssmmessages',
  'ec2messages',
  'monitoring',
  'xray',
  'events',
  'ec2',
  'eks-auth',
  'elasticloadbalancing',
] as const;

/** Zones that hold an interface endpoint's network interfaces: every configured AZ, or only the first one. */
export const ENDPOINT_AZ_MODES = ['all', 'one'] as const;

/**
 * AWS-owned buckets the S3 gateway endpoint may admit next to the payment account's own (each maps to a bucket
 * and the actions on it in lib/constructs/network/vpc-endpoints.ts): `ecr-image-layers` serves the layers of
 * every image pulled through ECR, `amazon-linux-repositories` the Amazon Linux 2023 packages,
 * `cloudformation-responses` receives the responses of custom resources whose function runs in the VPC.
 */
export const AWS_OWNED_BUCKETS = [
  'ecr-image-layers',
  'amazon-linux-repositories',
  'cloudformation-responses',
] as const;

/**
 * AWS-owned buckets every environment needs, whatever the compute mode: the data stack's database-user bootstrap
 * is a custom resource whose provider runs in the app subnets and PUTs its response to CloudFormation's
 * pre-signed URL through the S3 gateway endpoint (ADR 0021).
 */
export const ALWAYS_REQUIRED_AWS_BUCKETS = [
  'cloudformation-responses',
] as const satisfies readonly (typeof AWS_OWNED_BUCKETS)[number][];

/** The payment VPC: address plan, NAT, endpoints, flow logs (network stack). */
export const networkSchema = z.strictObject({
  vpcCidrs: z.strictObject({
    /** The payment VPC; /16 or larger (the tiered subnet layout, ADR 0004). */
    payment: ipv4Cidr,
    /** The analytics VPC it peers with; must not overlap. */
    analytics: ipv4Cidr,
  }),
  /** How the app tier reaches the internet (ADR 0005). */
  natStrategy: z.enum(NAT_STRATEGIES, { error: `must be one of ${oneOf(NAT_STRATEGIES)}` }),
  natInstance: z.strictObject({
    /** Instance type of each NAT instance (Graviton types need an arm64 AMI). */
    instanceType: z
      .string()
      .regex(INSTANCE_TYPE_PATTERN, { error: 'must be an EC2 instance type such as t4g.nano' }),
    /** Pinned NAT AMI per region. */
    amiIds: amiIdsByRegion,
  }),
  /** Interface endpoints in the app subnets, with private DNS. */
  interfaceEndpoints: z.array(
    z.enum(INTERFACE_ENDPOINTS, { error: `must be one of ${oneOf(INTERFACE_ENDPOINTS)}` }),
  ),
  /**
   * `all`: one endpoint interface per AZ (an AZ outage leaves the others reachable). `one`: only in the first AZ
   * (each endpoint is billed per AZ-hour; the other AZs reach it across zones), for environments without HA.
   */
  endpointAzs: z.enum(ENDPOINT_AZ_MODES, { error: `must be one of ${oneOf(ENDPOINT_AZ_MODES)}` }),
  /** AWS-owned buckets the S3 gateway endpoint admits besides the payment account's own buckets. */
  awsOwnedBuckets: z.array(
    z.enum(AWS_OWNED_BUCKETS, { error: `must be one of ${oneOf(AWS_OWNED_BUCKETS)}` }),
  ),
  /** The S3 copy of the VPC flow logs. */
  flowLogs: z.strictObject({
    /** Days after which objects move to Glacier Instant Retrieval; 0 disables the transition. */
    glacierTransitionDays: wholeNumber.min(0, { error: 'must be 0 (off) or a positive number of days' }),
    /** Days after which objects expire. */
    expirationDays: positiveDays,
  }),
});

export type NetworkConfig = z.infer<typeof networkSchema>;
export type InterfaceEndpointName = NetworkConfig['interfaceEndpoints'][number];
export type AwsOwnedBucketName = NetworkConfig['awsOwnedBuckets'][number];

interface NetworkRulesInput {
  readonly network: NetworkConfig;
  readonly regions: { readonly primary: string };
}

/** CIDRs that fit the layout and do not overlap, a pinned NAT image when instances are used, a coherent lifecycle. */
export function networkRules({ network, regions }: NetworkRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { vpcCidrs, flowLogs } = network;
  if (cidrsOverlap(vpcCidrs.payment, vpcCidrs.analytics)) {
    issues.push({
      path: ['network', 'vpcCidrs', 'analytics'],
      message: `must not overlap network.vpcCidrs.payment (${vpcCidrs.payment})`,
    });
  }
  if (prefixLength(vpcCidrs.payment) > 16) {
    issues.push({
      path: ['network', 'vpcCidrs', 'payment'],
      message: 'must be a /16 or larger: the subnet layout uses the third octet for tier and zone',
    });
  }
  if (network.natStrategy === 'instance' && !network.natInstance.amiIds[regions.primary]) {
    issues.push({
      path: ['network', 'natInstance', 'amiIds', regions.primary],
      message: `natStrategy 'instance' needs a pinned AMI for the primary region ${regions.primary}`,
    });
  }
  const missingBuckets = ALWAYS_REQUIRED_AWS_BUCKETS.filter((b) => !network.awsOwnedBuckets.includes(b));
  if (missingBuckets.length > 0) {
    issues.push({
      path: ['network', 'awsOwnedBuckets'],
      message: `must include ${missingBuckets.join(', ')}: the database bootstrap custom resource runs in the app subnets and answers CloudFormation through the S3 endpoint`,
    });
  }
  if (flowLogs.glacierTransitionDays > 0 && flowLogs.glacierTransitionDays >= flowLogs.expirationDays) {
    issues.push({
      path: ['network', 'flowLogs', 'glacierTransitionDays'],
      message: `must be smaller than network.flowLogs.expirationDays (${flowLogs.expirationDays})`,
    });
  }
  return issues;
}

/** NAT instances need a real pinned image. */
export function networkPreflight({ network, regions }: NetworkRulesInput): ConfigIssue[] {
  const ami = network.natInstance.amiIds[regions.primary];
  if (network.natStrategy !== 'instance' || (ami !== undefined && ami !== PLACEHOLDER_AMI)) return [];
  return [
    {
      field: `network.natInstance.amiIds.${regions.primary}`,
      value: ami,
      problem: `is a placeholder; ${PIN_AMI_HINT} or use another natStrategy`,
    },
  ];
}

function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

function cidrRange(cidr: string): [number, number] {
  const [ip = '', bits = '32'] = cidr.split('/');
  const base = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}

/** True when two IPv4 CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [aStart, aEnd] = cidrRange(a);
  const [bStart, bEnd] = cidrRange(b);
  return aStart <= bEnd && bStart <= aEnd;
}
