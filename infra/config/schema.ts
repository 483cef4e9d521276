import { z } from 'zod';
import { dataSchema } from './data.js';
import { appSchema, COMPUTE_MODES, computeAndEdgeIssues, edgeSchema } from './compute.js';

/** Retention periods (days) that CloudWatch Logs accepts for `RetentionInDays`. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export const NAT_STRATEGIES = ['gateway-per-az', 'single-gateway', 'instance'] as const;
export const REMOVAL_POLICIES = ['destroy', 'retain'] as const;

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
] as const;

const oneOf = (allowed: readonly (string | number)[]): string => allowed.join(' | ');

const accountId = z
  .string({ error: 'must be a string of 12 digits' })
  .regex(/^\d{12}$/, { error: 'must be exactly 12 digits (an AWS account id)' });

const region = z
  .string({ error: 'must be a region name such as us-east-1' })
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'must be a region name such as us-east-1 or eu-central-1' });

const email = z.email({ error: 'must be a valid e-mail address such as security@example.com' });

const ipv4Cidr = z.cidrv4({ error: 'must be an IPv4 CIDR block such as 10.0.0.0/16' });

const retentionDays = z
  .number({ error: 'must be a number of days' })
  .refine((v) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(v), {
    error: `must be one of the values CloudWatch Logs accepts: ${oneOf(CLOUDWATCH_RETENTION_DAYS)}`,
  });

export const SECURITY_SERVICE_MODES = ['create', 'existing'] as const;
/** PCI DSS 10.5.1: audit logs are kept at least twelve months. */
export const MINIMUM_AUDIT_RETENTION_DAYS = 365;

const serviceMode = z.enum(SECURITY_SERVICE_MODES, {
  error: `must be one of ${oneOf(SECURITY_SERVICE_MODES)} ('existing' when the organization already runs it here)`,
});

const auditRetentionDays = z
  .number({ error: 'must be a number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(MINIMUM_AUDIT_RETENTION_DAYS, {
    error: `must be at least ${MINIMUM_AUDIT_RETENTION_DAYS} days (PCI DSS 10.5.1 keeps audit logs 12 months)`,
  });

/** Security baseline of the security stack: trail retention and who provides GuardDuty, Config, Security Hub. */
const securitySchema = z.strictObject({
  trail: z.strictObject({
    /** Days CloudTrail log files are kept in S3. */
    bucketRetentionDays: auditRetentionDays,
    /** Days the CloudWatch Logs copy of the trail is kept. */
    logRetentionDays: retentionDays.refine((v) => v >= MINIMUM_AUDIT_RETENTION_DAYS, {
      error: `must be at least ${MINIMUM_AUDIT_RETENTION_DAYS} days (PCI DSS 10.5.1 keeps audit logs 12 months)`,
    }),
  }),
  guardDuty: z.strictObject({
    mode: serviceMode,
    /** Lowest GuardDuty severity sent to the security topic (7 = high). */
    alertSeverity: z
      .number({ error: 'must be a number' })
      .min(1, { error: 'must be between 1 and 10' })
      .max(10, { error: 'must be between 1 and 10' }),
  }),
  config: z.strictObject({
    mode: serviceMode,
    /** Create the AWSServiceRoleForConfig role; false when the account already has it. */
    createServiceLinkedRole: z.boolean({ error: 'must be true or false' }),
    /** Deploy the PCI DSS v4.0.1 conformance pack (also with mode 'existing', evaluated by the org recorder). */
    conformancePack: z.boolean({ error: 'must be true or false' }),
    /** Days the delivered configuration history is kept in S3. */
    historyRetentionDays: auditRetentionDays,
  }),
  securityHub: z.strictObject({ mode: serviceMode }),
});

const amiId = z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, {
  error: 'must be an AMI id such as ami-0123456789abcdef0',
});

export const environmentConfigSchema = z
  .strictObject({
    /** Environment name; selects the defaults file and appears in every resource name. */
    envName: z.enum(ENVIRONMENT_NAMES, { error: `must be one of ${oneOf(ENVIRONMENT_NAMES)}` }),
    accounts: z.strictObject({
      /** Account that hosts the payment workload (all Tessera stacks deploy here). */
      payment: accountId,
      /** Account that hosts the analytics VPC (peering accepter side). */
      analytics: accountId,
    }),
    regions: z.strictObject({
      primary: region,
      /** Disaster-recovery region for replicas and backup copies. */
      dr: region,
    }),
    /** Availability zones of the primary region, explicit so synth needs no lookups. */
    availabilityZones: z.array(z.string(), { error: 'must be a list of availability zone names' }).min(1, {
      error: 'must list at least one availability zone',
    }),
    /** Number of AZs to span; must equal the number of `availabilityZones`. */
    azCount: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be between 1 and 6' })
      .max(6, { error: 'must be between 1 and 6' }),
    vpcCidrs: z.strictObject({
      payment: ipv4Cidr,
      analytics: ipv4Cidr,
    }),
    natStrategy: z.enum(NAT_STRATEGIES, { error: `must be one of ${oneOf(NAT_STRATEGIES)}` }),
    natInstance: z.strictObject({
      /** Instance type of each NAT instance (Graviton types need an arm64 AMI). */
      instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: 'must be an EC2 instance type such as t4g.nano',
      }),
      /** Pinned NAT AMI per region; pinning stops a new AMI release from replacing the NAT instances. */
      amiIds: z.record(z.string(), amiId),
    }),
    interfaceEndpoints: z.array(
      z.enum(INTERFACE_ENDPOINTS, { error: `must be one of ${oneOf(INTERFACE_ENDPOINTS)}` }),
    ),
    /** Retention of platform log groups (flow logs and other operational logs), in days. */
    logRetentionDays: retentionDays,
    flowLogs: z.strictObject({
      /** Days after which flow-log objects in S3 move to Glacier Instant Retrieval; 0 disables the transition. */
      glacierTransitionDays: z
        .number()
        .int()
        .min(0, { error: 'must be 0 (off) or a positive number of days' }),
      /** Days after which flow-log objects in S3 expire. */
      expirationDays: z.number().int().min(1, { error: 'must be a positive number of days' }),
    }),
    removalPolicy: z.enum(REMOVAL_POLICIES, { error: `must be one of ${oneOf(REMOVAL_POLICIES)}` }),
    /** Data tier: Aurora PostgreSQL, the application user and its rotation, AWS Backup; see ./data.ts. */
    data: dataSchema,
    alertEmails: z.strictObject({
      security: email,
      compliance: email,
      operations: email,
    }),
    security: securitySchema,
    /** Cost-allocation tags; Environment, Application, CostCenter and ManagedBy are required. */
    tags: z
      .record(z.string(), z.string())
      .refine((t) => ['Environment', 'Application', 'CostCenter', 'ManagedBy'].every((k) => k in t), {
        error: 'must include Environment, Application, CostCenter and ManagedBy',
      }),
    /** How the payment API runs (`-c compute=ec2` switches); see ./compute.ts. */
    compute: z.enum(COMPUTE_MODES, { error: `must be one of ${oneOf(COMPUTE_MODES)}` }),
    /** App stack: payment API compute, load balancer, certificate, WAF, scaling. */
    app: appSchema.extend({ logRetentionDays: retentionDays }),
    /** Edge stack: CloudFront static content and its WAF. */
    edge: edgeSchema,
  })
  .superRefine((c, ctx) => {
    for (const issue of computeAndEdgeIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
    if (c.availabilityZones.length !== c.azCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['azCount'],
        message: `must equal the number of availabilityZones (${c.availabilityZones.length}: ${c.availabilityZones.join(', ')})`,
      });
    }
    c.availabilityZones.forEach((az, i) => {
      if (!new RegExp(`^${escapeRegExp(c.regions.primary)}[a-z]$`).test(az)) {
        ctx.addIssue({
          code: 'custom',
          path: ['availabilityZones', i],
          message: `must be an availability zone of the primary region ${c.regions.primary} (${c.regions.primary}a, ${c.regions.primary}b, …)`,
        });
      }
    });
    if (new Set(c.availabilityZones).size !== c.availabilityZones.length) {
      ctx.addIssue({ code: 'custom', path: ['availabilityZones'], message: 'must not repeat a zone' });
    }
    if (c.regions.dr === c.regions.primary) {
      ctx.addIssue({ code: 'custom', path: ['regions', 'dr'], message: 'must differ from regions.primary' });
    }
    if (cidrsOverlap(c.vpcCidrs.payment, c.vpcCidrs.analytics)) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcCidrs', 'analytics'],
        message: `must not overlap vpcCidrs.payment (${c.vpcCidrs.payment})`,
      });
    }
    if (prefixLength(c.vpcCidrs.payment) > 16) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcCidrs', 'payment'],
        message: 'must be a /16 or larger: the subnet layout uses the third octet for tier and zone',
      });
    }
    if (c.natStrategy === 'instance' && !c.natInstance.amiIds[c.regions.primary]) {
      ctx.addIssue({
        code: 'custom',
        path: ['natInstance', 'amiIds', c.regions.primary],
        message: `natStrategy 'instance' needs a pinned AMI for the primary region ${c.regions.primary}`,
      });
    }
    if (
      c.flowLogs.glacierTransitionDays > 0 &&
      c.flowLogs.glacierTransitionDays >= c.flowLogs.expirationDays
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['flowLogs', 'glacierTransitionDays'],
        message: `must be smaller than flowLogs.expirationDays (${c.flowLogs.expirationDays})`,
      });
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];
export type NatStrategy = (typeof NAT_STRATEGIES)[number];
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINTS)[number];
export type SecurityServiceMode = (typeof SECURITY_SERVICE_MODES)[number];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
