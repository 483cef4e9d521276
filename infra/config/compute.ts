import { z } from 'zod';

/** How the payment API runs: ECS Fargate tasks (default) or an EC2 Auto Scaling group. */
export const COMPUTE_MODES = ['fargate', 'ec2'] as const;
export const FARGATE_CPU_UNITS = [256, 512, 1024, 2048, 4096] as const;
export const EDGE_PRICE_CLASSES = ['100', '200', 'all'] as const;

/**
 * Stand-in for the ALB certificate until an operator configures a real one (or a hosted zone).
 * Synth works with it; the deploy preflight refuses it (see ./compute-preflight.ts).
 */
export const PLACEHOLDER_CERTIFICATE_ID = '00000000-0000-0000-0000-000000000000';

/** True for the example certificate (any account or region); the deploy preflight refuses it. */
export function isPlaceholderCertificate(arn: string): boolean {
  return arn.endsWith(`/${PLACEHOLDER_CERTIFICATE_ID}`);
}

export function placeholderCertificateArn(account: string, region: string): string {
  return `arn:aws:acm:${region}:${account}:certificate/${PLACEHOLDER_CERTIFICATE_ID}`;
}

/** Stand-in for the pinned application AMI (Amazon Linux 2023 arm64) until an operator pins one. */
export const PLACEHOLDER_APP_AMI = 'ami-00000000000000000';

/** Prefix lists of the regional S3 service (the S3 gateway endpoint), used for HTTPS egress of the app tier. */
export const S3_PREFIX_LISTS: Record<string, string> = {
  'us-east-1': 'pl-63a5400a',
  'us-west-2': 'pl-68a54001',
  'eu-west-1': 'pl-6da54004',
  'eu-central-1': 'pl-6ea54007',
};

const oneOf = (allowed: readonly (string | number)[]): string => allowed.join(' | ');

const positiveInt = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' });

const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
  error: 'must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<uuid>',
});

const hostName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: 'must be a lowercase DNS name such as api.pay.example.com',
});

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as UTC, Europe/Berlin or America/New_York' },
);

/** Settings of the App stack (payment API compute, load balancer, WAF). */
export const appSchema = z.strictObject({
  fargate: z.strictObject({
    /** Task CPU units. */
    cpu: z.union(
      FARGATE_CPU_UNITS.map((n) => z.literal(n)),
      { error: `must be one of ${oneOf(FARGATE_CPU_UNITS)}` },
    ),
    /** Task memory; must be a combination Fargate supports for the CPU value. */
    memoryMiB: positiveInt.min(512, { error: 'must be at least 512' }),
  }),
  ec2: z.strictObject({
    /** Graviton instance type: the payment API image is built for linux/arm64. */
    instanceType: z.string().regex(/^[a-z]+\d+g[a-z]*\.[a-z0-9]+$/, {
      error: 'must be a Graviton (arm64) instance type such as t4g.medium or m7g.large',
    }),
    /** Amazon Linux 2023 arm64 AMI pinned per region. */
    amiIds: z.record(
      z.string(),
      z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, {
        error: 'must be an AMI id such as ami-0123456789abcdef0',
      }),
    ),
    volumeSizeGiB: positiveInt
      .min(8, { error: 'must be at least 8' })
      .max(1024, { error: 'must be at most 1024' }),
  }),
  scaling: z.strictObject({
    minCapacity: positiveInt.min(1, { error: 'must be at least 1' }),
    maxCapacity: positiveInt.min(1, { error: 'must be at least 1' }),
    desiredCapacity: positiveInt.min(1, { error: 'must be at least 1' }),
    /** Floor from scaleUpHour to scaleDownHour on weekdays. */
    businessHoursMinCapacity: positiveInt.min(1, { error: 'must be at least 1' }),
    cpuTargetPercent: z
      .number()
      .gt(0, { error: 'must be above 0' })
      .max(100, { error: 'must be at most 100' }),
    /** Target ALB requests per target per minute. */
    requestsPerTarget: positiveInt.min(1, { error: 'must be at least 1' }),
    timeZone,
    scaleUpHour: positiveInt
      .min(0, { error: 'must be an hour 0-23' })
      .max(23, { error: 'must be an hour 0-23' }),
    scaleDownHour: positiveInt
      .min(0, { error: 'must be an hour 0-23' })
      .max(23, { error: 'must be an hour 0-23' }),
  }),
  /**
   * Certificate of the HTTPS listener: an imported ACM certificate (`certificateArn`), or a certificate
   * DNS-validated in `hostedZone` for `domainName` (which also gets an alias record). One of them is required.
   */
  tls: z.strictObject({
    certificateArn: certificateArn.optional(),
    hostedZone: z
      .strictObject({
        id: z
          .string()
          .regex(/^Z[A-Z0-9]{1,32}$/, { error: 'must be a Route 53 hosted zone id such as Z0123456789ABC' }),
        name: hostName,
      })
      .optional(),
    domainName: hostName.optional(),
  }),
  wafRateLimitPerFiveMinutes: positiveInt.min(10, { error: 'must be at least 10 (the WAF minimum)' }),
  /** Retention of the payment API's log group, in days. */
  logRetentionDays: positiveInt,
  /** Days ALB access logs are kept. */
  accessLogRetentionDays: positiveInt.min(1, { error: 'must be a positive number of days' }),
  /** S3 prefix list per region, the one HTTPS destination of the app tier outside the VPC. */
  s3PrefixListIds: z.record(
    z.string(),
    z.string().regex(/^pl-[0-9a-f]{8,17}$/, { error: 'must be a prefix list id such as pl-63a5400a' }),
  ),
});

/** Settings of the Edge stack (CloudFront static content and its WAF). */
export const edgeSchema = z.strictObject({
  /** ACM certificate in us-east-1 for `domainNames`; without it CloudFront uses *.cloudfront.net. */
  certificateArn: certificateArn.optional(),
  domainNames: z.array(hostName),
  wafRateLimitPerFiveMinutes: positiveInt.min(10, { error: 'must be at least 10 (the WAF minimum)' }),
  priceClass: z.enum(EDGE_PRICE_CLASSES, { error: `must be one of ${oneOf(EDGE_PRICE_CLASSES)}` }),
  accessLogRetentionDays: positiveInt.min(1, { error: 'must be a positive number of days' }),
});

export type AppConfig = z.infer<typeof appSchema>;
export type EdgeConfig = z.infer<typeof edgeSchema>;
export type ComputeMode = (typeof COMPUTE_MODES)[number];

interface ComputeAndEdge {
  readonly compute: ComputeMode;
  readonly app: AppConfig;
  readonly edge: EdgeConfig;
  readonly regions: { readonly primary: string };
}

type Issue = { path: (string | number)[]; message: string };

/** Cross-field rules of the `compute`, `app` and `edge` sections. */
export function computeAndEdgeIssues(c: ComputeAndEdge): Issue[] {
  const issues: Issue[] = [];
  const { scaling, tls } = c.app;
  const primary = c.regions.primary;

  if (scaling.maxCapacity < scaling.minCapacity) {
    issues.push({
      path: ['app', 'scaling', 'maxCapacity'],
      message: `must be at least minCapacity (${scaling.minCapacity})`,
    });
  }
  for (const key of ['desiredCapacity', 'businessHoursMinCapacity'] as const) {
    if (scaling[key] < scaling.minCapacity || scaling[key] > scaling.maxCapacity) {
      issues.push({
        path: ['app', 'scaling', key],
        message: `must be between minCapacity (${scaling.minCapacity}) and maxCapacity (${scaling.maxCapacity})`,
      });
    }
  }
  if (scaling.scaleUpHour >= scaling.scaleDownHour) {
    issues.push({
      path: ['app', 'scaling', 'scaleUpHour'],
      message: `must be before scaleDownHour (${scaling.scaleDownHour})`,
    });
  }

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
    tls.certificateArn.split(':')[3] !== primary
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
  if (tls.domainName && !tls.hostedZone) {
    issues.push({
      path: ['app', 'tls', 'hostedZone'],
      message: 'is required with app.tls.domainName (the zone that gets the alias record)',
    });
  }
  if (tls.domainName && tls.hostedZone && !`.${tls.domainName}`.endsWith(`.${tls.hostedZone.name}`)) {
    issues.push({
      path: ['app', 'tls', 'domainName'],
      message: `must be inside the hosted zone ${tls.hostedZone.name}`,
    });
  }

  if (c.compute === 'ec2' && !c.app.ec2.amiIds[primary]) {
    issues.push({
      path: ['app', 'ec2', 'amiIds', primary],
      message: `compute 'ec2' needs a pinned Amazon Linux 2023 arm64 AMI for ${primary}`,
    });
  }
  if (!c.app.s3PrefixListIds[primary]) {
    issues.push({
      path: ['app', 's3PrefixListIds', primary],
      message: `needs the S3 prefix list of ${primary} (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.${primary}.s3)`,
    });
  }

  if (c.edge.certificateArn && c.edge.certificateArn.split(':')[3] !== 'us-east-1') {
    issues.push({
      path: ['edge', 'certificateArn'],
      message: 'must be a certificate in us-east-1 (CloudFront only uses certificates from us-east-1)',
    });
  }
  if (c.edge.certificateArn && c.edge.domainNames.length === 0) {
    issues.push({ path: ['edge', 'domainNames'], message: 'must list the names edge.certificateArn covers' });
  }
  if (!c.edge.certificateArn && c.edge.domainNames.length > 0) {
    issues.push({ path: ['edge', 'certificateArn'], message: 'is required when edge.domainNames is set' });
  }
  return issues;
}
