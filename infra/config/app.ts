import { z } from 'zod';
import { eksPreflight, eksRules, eksSchema } from './eks.js';
import type { ConfigIssue } from './errors.js';
import type { AwsOwnedBucketName, InterfaceEndpointName } from './network.js';
import {
  PIN_AMI_HINT,
  PLACEHOLDER_AMI,
  isPlaceholderCertificate,
  placeholderCertificateArn,
} from './placeholders.js';
import {
  GRAVITON_INSTANCE_TYPE_PATTERN,
  amiIdsByRegion,
  arnAccount,
  arnRegion,
  certificateArn,
  hostName,
  hostedZone,
  hourOfDay,
  oneOf,
  positiveDays,
  retentionDays,
  type RuleIssue,
  timeZone,
  wholeNumber,
} from './primitives.js';

/**
 * How the payment API runs: ECS Fargate tasks (default, ADR 0014), an EC2 Auto Scaling group, or pods on an EKS
 * managed node group (ADR 0044).
 */
export const COMPUTE_MODES = ['fargate', 'ec2', 'eks'] as const;

/** `-c compute=ec2` switches; a top-level key so the switch stays one short flag. */
export const computeSchema = z.enum(COMPUTE_MODES, { error: `must be one of ${oneOf(COMPUTE_MODES)}` });

export type ComputeMode = z.infer<typeof computeSchema>;

/** Task memory (MiB) Fargate accepts per CPU value. */
const FARGATE_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
};
const FARGATE_CPU_UNITS = [256, 512, 1024, 2048, 4096] as const;

/** Prefix lists of the regional S3 service (the S3 gateway endpoint), used for HTTPS egress of the app tier. */
export const S3_PREFIX_LISTS: Readonly<Record<string, string>> = {
  'us-east-1': 'pl-63a5400a',
  'us-west-2': 'pl-68a54001',
  'eu-west-1': 'pl-6da54004',
  'eu-central-1': 'pl-6ea54007',
};

/**
 * What the payment API calls from the app tier. Its HTTPS egress to the internet is for merchants' webhook
 * endpoints only: AWS APIs, the events queue included, stay on interface endpoints, never across the NAT.
 */
const REQUIRED_INTERFACE_ENDPOINTS: readonly InterfaceEndpointName[] = [
  'ecr.api',
  'ecr.dkr',
  'logs',
  'secretsmanager',
  'kms',
  'sqs',
];

/**
 * Endpoints a compute mode brings into the VPC by itself, beyond `network.interfaceEndpoints` (the network stack
 * adds them only in that mode, so the other modes' templates stay as they are). EKS nodes call EC2 (the VPC CNI
 * assigns pod addresses), EKS Auth (Pod Identity credentials), Elastic Load Balancing (the load balancer
 * controller registers pod IPs), STS, and SSM for Session Manager, the operators' path to the private API endpoint.
 */
export const COMPUTE_INTERFACE_ENDPOINTS: Readonly<Record<ComputeMode, readonly InterfaceEndpointName[]>> = {
  fargate: [],
  ec2: [],
  eks: ['ec2', 'eks-auth', 'elasticloadbalancing', 'sts', 'ssm', 'ssmmessages', 'ec2messages'],
};

/**
 * Every mode pulls the image through ECR; EC2 instances also install Docker from the Amazon Linux repositories
 * (EKS nodes boot the EKS-optimized AMI, which brings its container runtime).
 */
const REQUIRED_AWS_BUCKETS: Readonly<Record<ComputeMode, readonly AwsOwnedBucketName[]>> = {
  fargate: ['ecr-image-layers'],
  ec2: ['ecr-image-layers', 'amazon-linux-repositories'],
  eks: ['ecr-image-layers'],
};

const capacity = wholeNumber.min(1, { error: 'must be at least 1' });

/** The App stack: payment API compute, load balancer, certificate, WAF, scaling. */
export const appSchema = z.strictObject({
  fargate: z.strictObject({
    /** Task CPU units. */
    cpu: z.union(
      FARGATE_CPU_UNITS.map((n) => z.literal(n)),
      { error: `must be one of ${oneOf(FARGATE_CPU_UNITS)}` },
    ),
    /** Task memory; a value Fargate accepts for the CPU units. */
    memoryMiB: wholeNumber.min(512, { error: 'must be at least 512' }),
  }),
  ec2: z.strictObject({
    /** Graviton instance type: the payment API image is built for linux/arm64. */
    instanceType: z.string().regex(GRAVITON_INSTANCE_TYPE_PATTERN, {
      error: 'must be a Graviton (arm64) instance type such as t4g.medium or m7g.large',
    }),
    /** Amazon Linux 2023 arm64 AMI pinned per region. */
    amiIds: amiIdsByRegion,
    volumeSizeGiB: wholeNumber
      .min(8, { error: 'must be at least 8' })
      .max(1024, { error: 'must be at most 1024' }),
  }),
  /** Cluster, node group, add-ons and pod size of `compute: eks` (./eks.ts). */
  eks: eksSchema,
  /** Tasks, instances, or pods and nodes: the same for every compute mode. */
  scaling: z.strictObject({
    minCapacity: capacity,
    maxCapacity: capacity,
    /** Capacity at creation. */
    desiredCapacity: capacity,
    /** Floor from scaleUpHour to scaleDownHour on weekdays. */
    businessHoursMinCapacity: capacity,
    /** Target average CPU utilisation, percent. */
    cpuTargetPercent: z
      .number({ error: 'must be a number' })
      .gt(0, { error: 'must be above 0' })
      .max(100, { error: 'must be at most 100' }),
    /** Target ALB requests per target per minute. */
    requestsPerTarget: capacity,
    /** IANA time zone of the weekday schedule. */
    timeZone,
    scaleUpHour: hourOfDay,
    scaleDownHour: hourOfDay,
  }),
  /**
   * Certificate of the HTTPS listener: an imported ACM certificate (`certificateArn`) for `domainName`, or a
   * certificate DNS-validated in `hostedZone` for `domainName`. One of them is required. With a `hostedZone`,
   * `domainName` gets an alias record; with an imported certificate and no zone, the operator points the name
   * at the load balancer (output `LoadBalancerDnsName`).
   */
  tls: z.strictObject({
    certificateArn: certificateArn.optional(),
    hostedZone: hostedZone.optional(),
    domainName: hostName.optional(),
  }),
  /**
   * Requests per client IP in five minutes before the regional WAF blocks. Clients are merchant backends, each
   * behind one or a few NAT addresses: between one task's and the whole fleet's scaling target (see appRules).
   */
  wafRateLimitPerFiveMinutes: wholeNumber.min(10, { error: 'must be at least 10 (the WAF minimum)' }),
  /** Retention of the payment API's and the regional WAF's log groups, in days. */
  logRetentionDays: retentionDays,
  /** Days ALB access logs are kept. */
  accessLogRetentionDays: positiveDays,
  /** S3 prefix list per region, the one HTTPS destination of the app tier outside the VPC. */
  s3PrefixListIds: z.record(
    z.string(),
    z.string().regex(/^pl-[0-9a-f]{8,17}$/, { error: 'must be a prefix list id such as pl-63a5400a' }),
  ),
});

export type AppConfig = z.infer<typeof appSchema>;

interface AppRulesInput {
  readonly compute: ComputeMode;
  readonly app: AppConfig;
  readonly regions: { readonly primary: string };
  readonly network: {
    readonly interfaceEndpoints: readonly InterfaceEndpointName[];
    readonly awsOwnedBuckets: readonly AwsOwnedBucketName[];
  };
}

/** Capacities and hours in order, a task size Fargate runs, a certificate the listener can use, a path to AWS. */
export function appRules(c: AppRulesInput): RuleIssue[] {
  const scaling = scalingRules(c.app.scaling);
  return [
    ...scaling,
    ...fargateRules(c.app.fargate),
    ...eksRules(c.app.eks),
    // The WAF bounds derive from the scaling targets: only meaningful once those are coherent.
    ...(scaling.length === 0 ? wafRateLimitRules(c.app) : []),
    ...tlsRules(c),
    ...reachRules(c),
  ];
}

/**
 * The per-IP limit is sized for server-to-server traffic: a merchant's backend reaches the API from one NAT
 * address, so one address must be able to use at least one task's scaling target, and no address may take more
 * than the whole scaled-out fleet (requests per target per minute × 5 minutes).
 */
function wafRateLimitRules({ wafRateLimitPerFiveMinutes: limit, scaling }: AppConfig): RuleIssue[] {
  // The schema reports targets below 1; no bound derives from them.
  if (scaling.requestsPerTarget < 1 || scaling.maxCapacity < 1) return [];
  const oneTask = scaling.requestsPerTarget * 5;
  const fleet = oneTask * scaling.maxCapacity;
  if (limit < oneTask) {
    return [
      {
        path: ['app', 'wafRateLimitPerFiveMinutes'],
        message: `must be at least ${oneTask} (one task's scaling target, app.scaling.requestsPerTarget × 5 minutes): a merchant backend calls from one address`,
      },
    ];
  }
  if (limit > fleet) {
    return [
      {
        path: ['app', 'wafRateLimitPerFiveMinutes'],
        message: `must be at most ${fleet} (the scaled-out fleet, app.scaling.maxCapacity × requestsPerTarget × 5 minutes): one address must not take the whole service`,
      },
    ];
  }
  return [];
}

function scalingRules(scaling: AppConfig['scaling']): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { minCapacity, maxCapacity } = scaling;
  if (maxCapacity < minCapacity) {
    issues.push({
      path: ['app', 'scaling', 'maxCapacity'],
      message: `must be at least minCapacity (${minCapacity})`,
    });
  }
  for (const key of ['desiredCapacity', 'businessHoursMinCapacity'] as const) {
    if (scaling[key] < minCapacity || scaling[key] > maxCapacity) {
      issues.push({
        path: ['app', 'scaling', key],
        message: `must be between minCapacity (${minCapacity}) and maxCapacity (${maxCapacity})`,
      });
    }
  }
  if (scaling.scaleUpHour >= scaling.scaleDownHour) {
    issues.push({
      path: ['app', 'scaling', 'scaleUpHour'],
      message: `must be before scaleDownHour (${scaling.scaleDownHour})`,
    });
  }
  return issues;
}

function fargateRules(fargate: AppConfig['fargate']): RuleIssue[] {
  const allowed = FARGATE_MEMORY_MIB[fargate.cpu] ?? [];
  if (allowed.includes(fargate.memoryMiB)) return [];
  return [
    {
      path: ['app', 'fargate', 'memoryMiB'],
      message: `must be a size Fargate runs with ${fargate.cpu} CPU units: ${describeSizes(allowed)}`,
    },
  ];
}

function tlsRules({ app, regions }: AppRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { tls } = app;
  const primary = regions.primary;
  if (!tls.certificateArn && !tls.hostedZone) {
    issues.push({
      path: ['app', 'tls', 'certificateArn'],
      message:
        `an HTTPS listener needs a certificate: set app.tls.certificateArn (an ACM certificate in ${primary}) ` +
        'or app.tls.hostedZone and app.tls.domainName for a DNS-validated certificate',
    });
  }
  if (
    tls.certificateArn &&
    !isPlaceholderCertificate(tls.certificateArn) &&
    arnRegion(tls.certificateArn) !== primary
  ) {
    issues.push({
      path: ['app', 'tls', 'certificateArn'],
      message: `must be a certificate in the primary region ${primary}: a load balancer can only use certificates of its own region`,
    });
  }
  if (tls.hostedZone && !tls.domainName) {
    issues.push({
      path: ['app', 'tls', 'domainName'],
      message: `is required with app.tls.hostedZone (e.g. api.${tls.hostedZone.name})`,
    });
  }
  const imported = tls.certificateArn !== undefined && !isPlaceholderCertificate(tls.certificateArn);
  if (imported && !tls.domainName) {
    issues.push({
      path: ['app', 'tls', 'domainName'],
      message:
        'is required with an imported app.tls.certificateArn: the certificate covers that name, not the load ' +
        "balancer's DNS name that ApiUrl, the status page and its CSP would use otherwise",
    });
  }
  if (tls.domainName && !tls.hostedZone && !imported) {
    issues.push({
      path: ['app', 'tls', 'hostedZone'],
      message:
        'is required with app.tls.domainName unless app.tls.certificateArn imports a certificate (the zone ' +
        'validates the new certificate and gets the alias record)',
    });
  }
  if (tls.domainName && tls.hostedZone && !`.${tls.domainName}`.endsWith(`.${tls.hostedZone.name}`)) {
    issues.push({
      path: ['app', 'tls', 'domainName'],
      message: `must be inside the hosted zone ${tls.hostedZone.name}`,
    });
  }
  return issues;
}

/** The pinned image and prefix list of the primary region, and the endpoints and buckets the service reaches. */
function reachRules({ compute, app, regions, network }: AppRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const primary = regions.primary;
  if (compute === 'ec2' && !app.ec2.amiIds[primary]) {
    issues.push({
      path: ['app', 'ec2', 'amiIds', primary],
      message: `compute 'ec2' needs a pinned Amazon Linux 2023 arm64 AMI for ${primary}`,
    });
  }
  if (!app.s3PrefixListIds[primary]) {
    issues.push({
      path: ['app', 's3PrefixListIds', primary],
      message: `needs the S3 prefix list of ${primary} (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.${primary}.s3)`,
    });
  }
  const missingEndpoints = REQUIRED_INTERFACE_ENDPOINTS.filter(
    (e) => !network.interfaceEndpoints.includes(e),
  );
  if (missingEndpoints.length > 0) {
    issues.push({
      path: ['network', 'interfaceEndpoints'],
      message: `must include ${missingEndpoints.join(', ')}: the payment API reaches those AWS APIs through interface endpoints, never across the NAT`,
    });
  }
  const missingBuckets = REQUIRED_AWS_BUCKETS[compute].filter((b) => !network.awsOwnedBuckets.includes(b));
  if (missingBuckets.length > 0) {
    issues.push({
      path: ['network', 'awsOwnedBuckets'],
      message: `must include ${missingBuckets.join(', ')} for compute '${compute}' (the S3 endpoint admits only the buckets listed)`,
    });
  }
  return issues;
}

interface AppPreflightInput {
  readonly compute: ComputeMode;
  readonly app: AppConfig;
  readonly accounts: { readonly payment: string };
  readonly regions: { readonly primary: string };
}

/**
 * Deploying needs an issued certificate of the payment account, in EC2 mode a real pinned image, and in EKS mode
 * a real admin role.
 */
export function appPreflight({ compute, app, accounts, regions }: AppPreflightInput): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { certificateArn: arn, hostedZone } = app.tls;
  if (arn !== undefined && isPlaceholderCertificate(arn) && !hostedZone) {
    issues.push({
      field: 'app.tls.certificateArn',
      value: arn,
      problem:
        'is the example certificate; set the ARN of an issued ACM certificate in ' +
        `${regions.primary}, or app.tls.hostedZone + app.tls.domainName to have one DNS-validated`,
    });
  }
  if (arn !== undefined && !isPlaceholderCertificate(arn) && arnAccount(arn) !== accounts.payment) {
    issues.push({
      field: 'app.tls.certificateArn',
      value: arn,
      problem: `must belong to the payment account ${accounts.payment}`,
    });
  }
  const ami = app.ec2.amiIds[regions.primary];
  if (compute === 'ec2' && (ami === undefined || ami === PLACEHOLDER_AMI)) {
    issues.push({
      field: `app.ec2.amiIds.${regions.primary}`,
      value: ami,
      problem: `is a placeholder; ${PIN_AMI_HINT}`,
    });
  }
  if (compute === 'eks') issues.push(...eksPreflight(app.eks, accounts.payment));
  return issues;
}

/** What the HTTPS listener's certificate is built from: an imported ARN, or a zone to DNS-validate one in. */
export interface ListenerCertificate {
  readonly certificateArn?: string;
  readonly hostedZone?: { readonly id: string; readonly name: string };
  readonly domainName?: string;
}

/**
 * `app.tls` as the stack builds it. The example certificate only stands in while nothing else is configured:
 * a hosted zone replaces it, and otherwise it follows the configured account and region, so that the template
 * stays coherent (the deploy preflight refuses it either way).
 */
export function listenerCertificate({ app, accounts, regions }: AppPreflightInput): ListenerCertificate {
  const { certificateArn: arn, hostedZone, domainName } = app.tls;
  if (arn === undefined || !isPlaceholderCertificate(arn))
    return { certificateArn: arn, hostedZone, domainName };
  if (hostedZone) return { hostedZone, domainName };
  return { certificateArn: placeholderCertificateArn(accounts.payment, regions.primary) };
}

/** The S3 prefix list of the primary region (the schema requires it; this names the field if it is absent). */
export function primaryS3PrefixList(c: {
  readonly app: AppConfig;
  readonly regions: { readonly primary: string };
}): string {
  const id = c.app.s3PrefixListIds[c.regions.primary];
  if (id === undefined) throw new Error(`app.s3PrefixListIds.${c.regions.primary} is missing`);
  return id;
}

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

function describeSizes(sizes: readonly number[]): string {
  return sizes.length > 4 ? `${sizes[0]}-${sizes[sizes.length - 1]} in steps of 1024` : sizes.join(' | ');
}
