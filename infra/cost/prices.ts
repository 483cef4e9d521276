/**
 * The one price table of the cost model: region → item → USD per unit, on-demand list prices.
 *
 * Every item names the AWS page that publishes it (`source`, where to re-check it), where we actually read the
 * number (`via`), and when (`read`). `confidence: 'verify'` marks numbers with only one or a weak source; the
 * report counts them so a customer-facing quote re-pulls them from the AWS Price List API first
 * (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json`).
 * `upTo` is the monthly quantity up to which the price holds (the first tier): a larger quantity fails the
 * estimate instead of being priced at the wrong tier.
 *
 * Bump PRICE_TABLE_VERSION whenever a number changes; the README cost table shows it.
 */
export const PRICE_TABLE_VERSION = '2026-12-01';

export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = 365 / 12;

export interface Price {
  readonly usd: number;
  /** What one unit is, e.g. `NAT gateway-hour`, `GB-month`, `1M requests`. */
  readonly per: string;
  /** The AWS page that publishes the price. */
  readonly source: string;
  /** Where the number was read (the AWS page itself, the researched reference, or a dated third-party copy). */
  readonly via: string;
  /** Date read, YYYY-MM-DD. */
  readonly read: string;
  readonly confidence: 'confirmed' | 'verify';
  /** Monthly quantity up to which this (first-tier) price applies. @default - no tier */
  readonly upTo?: number;
  readonly note?: string;
}

const PART_B =
  'shared/reference/cdk-facts-and-prices.md Part B (compiled 2026-11, AWS pages and dated 2026 guides)';
const READ = '2026-12-01';
const MEMORY_ONLY = 'well-known us-east-1 list price, not re-confirmed in a 2026 source';

const AWS = {
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privateLink: 'https://aws.amazon.com/privatelink/pricing/',
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  ebs: 'https://aws.amazon.com/ebs/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  aurora: 'https://aws.amazon.com/rds/aurora/pricing/',
  rdsProxy: 'https://aws.amazon.com/rds/proxy/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  secrets: 'https://aws.amazon.com/secrets-manager/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  cloudtrail: 'https://aws.amazon.com/cloudtrail/pricing/',
  guardduty: 'https://aws.amazon.com/guardduty/pricing/',
  config: 'https://aws.amazon.com/config/pricing/',
  securityHub: 'https://aws.amazon.com/security-hub/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  cloudfront: 'https://aws.amazon.com/cloudfront/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  backup: 'https://aws.amazon.com/backup/pricing/',
  eks: 'https://aws.amazon.com/eks/pricing/',
  efs: 'https://aws.amazon.com/efs/pricing/',
  ssm: 'https://aws.amazon.com/systems-manager/pricing/',
} as const;

const GUARDDUTY_VIA =
  'https://github.com/api-evangelist/amazon-guardduty plans/amazon-guardduty-plans-pricing.yml (quotes the AWS page verbatim, read there 2026-10-07)';

const S3_CLASSES_VIA =
  'https://awsnegotiations.com/s3-storage.html (2026 storage-class table quoting the AWS page, us-east-1)';

const listPrice = (usd: number, per: string, source: string, extra: Partial<Price> = {}): Price => ({
  usd,
  per,
  source,
  via: PART_B,
  read: READ,
  confidence: 'confirmed',
  ...extra,
});

const US_EAST_1: Readonly<Record<string, Price>> = {
  // Network
  'natGateway.hour': listPrice(0.045, 'NAT gateway-hour', AWS.vpc),
  'natGateway.gb': listPrice(0.045, 'GB processed', AWS.vpc),
  'publicIpv4.hour': listPrice(0.005, 'public IPv4 address-hour', AWS.vpc, {
    note: 'every public IPv4 address, attached or not, since 2024-02-01 (AWS blog)',
  }),
  'dataTransfer.internetOut.gb': listPrice(0.09, 'GB out to the internet', AWS.ec2, { upTo: 10_240 }),
  'dataTransfer.interRegion.gb': listPrice(0.02, 'GB to another region', AWS.ec2, {
    note: 'US corridors; also the rate of cross-region backup copies',
  }),
  'dataTransfer.crossAz.gb': listPrice(0.01, 'GB between availability zones, each direction', AWS.ec2, {
    note: 'also VPC peering within a region: free within one AZ (by AZ ID), no hourly peering charge',
  }),
  'interfaceEndpoint.azHour': listPrice(0.01, 'endpoint-AZ-hour', AWS.privateLink),
  'interfaceEndpoint.gb': listPrice(0.01, 'GB processed', AWS.privateLink, { upTo: 1_048_576 }),
  'gatewayEndpoint.month': listPrice(0, 'gateway endpoint-month', AWS.privateLink, {
    note: 'gateway endpoints (S3, DynamoDB) have no hourly or data charge',
  }),

  // EC2 (Linux, on-demand). Part B confirms t4g.nano; the rest of the t4g family is priced linearly from it.
  'ec2.t4g.nano.hour': listPrice(0.0042, 'instance-hour', AWS.ec2),
  'ec2.t4g.micro.hour': listPrice(0.0084, 'instance-hour', AWS.ec2, {
    via: 'AWS list price, linear t4g family (2 × nano)',
    confidence: 'verify',
  }),
  'ec2.t4g.small.hour': listPrice(0.0168, 'instance-hour', AWS.ec2, {
    via: 'AWS list price, linear t4g family (4 × nano)',
    confidence: 'verify',
  }),
  'ec2.t4g.medium.hour': listPrice(0.0336, 'instance-hour', AWS.ec2, {
    via: 'AWS list price, linear t4g family (8 × nano)',
    confidence: 'verify',
  }),
  'ec2.t4g.large.hour': listPrice(0.0672, 'instance-hour', AWS.ec2, {
    via: 'AWS list price, linear t4g family (16 × nano)',
    confidence: 'verify',
  }),
  'ec2.m7g.large.hour': listPrice(0.0816, 'instance-hour', AWS.ec2, {
    via: 'https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/ (2026-06-17)',
  }),
  'ebs.gp3.gbMonth': listPrice(0.08, 'GB-month', AWS.ebs, { confidence: 'verify' }),
  'eks.clusterHour': listPrice(0.1, 'cluster-hour (standard support)', AWS.eks),
  'efs.standard.gbMonth': listPrice(0.3, 'GB-month (Standard storage)', AWS.efs, {
    confidence: 'verify',
    via: MEMORY_ONLY,
  }),
  'backup.efs.warm.gbMonth': listPrice(0.05, 'GB-month of EFS warm backups', AWS.backup, {
    confidence: 'verify',
    via: MEMORY_ONLY,
  }),
  'ssm.advancedParameterMonth': listPrice(0.05, 'advanced parameter-month', AWS.ssm, {
    confidence: 'verify',
    via: MEMORY_ONLY,
  }),
  'cloudwatch.metricMonth': listPrice(0.3, 'metric-month', AWS.cloudwatch, {
    upTo: 10_000,
    note: 'custom metrics; EC2 detailed monitoring bills 7 metrics per instance (https://ryuzoji.com/archives/969)',
  }),

  // Load balancing and WAF
  'alb.hour': listPrice(0.0225, 'ALB-hour', AWS.elb),
  'alb.lcuHour': listPrice(0.008, 'LCU-hour', AWS.elb),
  'waf.webAclMonth': listPrice(5, 'web ACL-month', AWS.waf),
  'waf.ruleMonth': listPrice(1, 'rule-month', AWS.waf, {
    note: 'an AWS managed rule group counts as one rule',
  }),
  'waf.requests1M': listPrice(0.6, '1M requests', AWS.waf),

  // Containers
  'fargate.arm64.vcpuHour': listPrice(0.03238, 'vCPU-hour', AWS.fargate),
  'fargate.arm64.gbHour': listPrice(0.00356, 'GB-hour', AWS.fargate),
  'fargate.x86.vcpuHour': listPrice(0.04048, 'vCPU-hour', AWS.fargate),
  'fargate.x86.gbHour': listPrice(0.004445, 'GB-hour', AWS.fargate),
  'fargate.ephemeralStorage.gbHour': listPrice(0.000111, 'GB-hour above 20 GB', AWS.fargate),
  'containerInsights.enhanced.observations1M': listPrice(0.21, '1M observations', AWS.cloudwatch, {
    via: 'repository doc citing the CloudWatch page for EKS enhanced observability, verified there 2026-10-02; the ECS rate is assumed equal',
    confidence: 'verify',
  }),

  // Aurora PostgreSQL (Aurora Standard storage configuration)
  'aurora.postgresql.db.r6g.large.hour': listPrice(0.26, 'instance-hour', AWS.aurora),
  'aurora.postgresql.db.r7g.large.hour': listPrice(0.276, 'instance-hour', AWS.aurora, {
    via: 'https://gist.github.com/thom-vend/c710e4fb173b4bea91bc12204c25ee86 (2024, quotes the AWS page)',
    confidence: 'verify',
  }),
  'aurora.postgresql.db.t4g.medium.hour': listPrice(0.073, 'instance-hour', AWS.aurora, {
    confidence: 'verify',
  }),
  'aurora.postgresql.db.t4g.large.hour': listPrice(0.146, 'instance-hour', AWS.aurora, {
    via: 'https://raw.githubusercontent.com/aws/agent-toolkit-for-aws/main/skills/specialized-skills/database-skills/amazon-aurora-mysql/scripts/acu_calculator.py (static us-east-1 table, 2026-03-28)',
    confidence: 'verify',
  }),
  'aurora.serverlessV2.acuHour': listPrice(0.12, 'ACU-hour', AWS.aurora),
  'aurora.storage.gbMonth': listPrice(0.1, 'GB-month', AWS.aurora),
  'aurora.io.1M': listPrice(0.2, '1M I/O requests', AWS.aurora),
  'aurora.backup.gbMonth': listPrice(0.021, 'GB-month', AWS.aurora, {
    note: 'backup and snapshot storage beyond the free allowance (100% of the cluster volume)',
  }),
  'rdsProxy.vcpuHour': listPrice(0.015, 'target vCPU-hour', AWS.rdsProxy, { note: 'minimum 2 vCPUs' }),
  'rdsProxy.acuHour': listPrice(0.015, 'target ACU-hour', AWS.rdsProxy, {
    note: 'Aurora Serverless v2 targets: minimum 8 ACUs',
    confidence: 'verify',
  }),

  // Keys and secrets
  'kms.keyMonth': listPrice(1, 'key-month', AWS.kms),
  'kms.rotatedKeyMonth': listPrice(1, 'rotation-month', AWS.kms, {
    note: 'each of the first two automatic rotations adds $1 a month; later rotations are free',
    confidence: 'verify',
  }),
  'kms.requests10k': listPrice(0.03, '10k requests', AWS.kms),
  'secretsManager.secretMonth': listPrice(0.4, 'secret-month', AWS.secrets),
  'secretsManager.calls10k': listPrice(0.05, '10k API calls', AWS.secrets),

  // CloudWatch
  'logs.ingest.gb': listPrice(0.5, 'GB ingested', AWS.cloudwatch, {
    upTo: 10_240,
    note: 'standard log class; vended logs (flow logs, WAF) start at the same rate',
  }),
  'logs.storage.gbMonth': listPrice(0.03, 'GB-month archived', AWS.cloudwatch),
  'logs.vendedToS3.gb': listPrice(0.25, 'GB delivered to S3', AWS.cloudwatch, { upTo: 10_240 }),
  'logs.parquetConversion.gb': listPrice(0.03, 'GB converted to Apache Parquet', AWS.cloudwatch, {
    via: 'AWS CloudWatch pricing page, vended logs section (not re-read in a 2026 source)',
    confidence: 'verify',
  }),
  'cloudwatch.alarmMonth': listPrice(0.1, 'alarm metric-month', AWS.cloudwatch),
  'cloudwatch.highResolutionAlarmMonth': listPrice(0.3, 'alarm metric-month', AWS.cloudwatch),
  'cloudwatch.dashboardMonth': listPrice(3, 'dashboard-month', AWS.cloudwatch),

  // Audit and threat detection
  'cloudtrail.firstManagementCopy': listPrice(0, '100k management events', AWS.cloudtrail, {
    note: 'the first copy of management events in each region is free',
  }),
  'cloudtrail.additionalManagementCopy.100k': listPrice(2, '100k management events', AWS.cloudtrail),
  'guardduty.managementEvents1M': listPrice(4, '1M CloudTrail management events', AWS.guardduty, {
    via: GUARDDUTY_VIA,
  }),
  'guardduty.flowAndDnsLogs.gb': listPrice(1, 'GB of VPC flow and DNS logs analysed', AWS.guardduty, {
    via: GUARDDUTY_VIA,
    upTo: 500,
  }),
  'guardduty.s3DataEvents1M': listPrice(0.8, '1M S3 data events', AWS.guardduty, {
    via: GUARDDUTY_VIA,
    upTo: 500,
  }),
  'guardduty.runtime.vcpuMonth': listPrice(1.5, 'monitored vCPU-month', AWS.guardduty, {
    via: GUARDDUTY_VIA,
    upTo: 500,
  }),
  'guardduty.rds.vcpuMonth': listPrice(1, 'provisioned DB vCPU-month', AWS.guardduty, { via: GUARDDUTY_VIA }),
  'guardduty.rds.acuMonth': listPrice(0.25, 'Serverless v2 ACU-month', AWS.guardduty, { via: GUARDDUTY_VIA }),
  'guardduty.lambdaNetwork.gb': listPrice(1, 'GB of Lambda network activity', AWS.guardduty, {
    via: GUARDDUTY_VIA,
  }),
  'guardduty.ebsMalwareScan.gb': listPrice(0.03, 'GB of EBS data scanned', AWS.guardduty, {
    via: GUARDDUTY_VIA,
  }),
  'config.item': listPrice(0.003, 'configuration item recorded (continuous)', AWS.config),
  'config.periodicItem': listPrice(0.012, 'configuration item recorded (periodic)', AWS.config),
  'config.evaluation': listPrice(0.001, 'conformance pack rule evaluation', AWS.config, { upTo: 100_000 }),
  'securityHub.check': listPrice(0.001, 'security check', AWS.securityHub, {
    via: 'https://aws-gcr-wwso-security.gitbook.io/an-quan-zui-jia-shi-jian/an-quan-chan-pin-cheng-ben-gu-suan/an-quan-he-gui-chi-xu-jian-ce-he-zi-dong-xiu-fu-fei-yong (quotes the AWS tiers: first 100,000 checks $0.0010)',
    upTo: 100_000,
    note: 'Security Hub CSPM; its service-linked Config rules are not billed as Config evaluations',
  }),

  // Storage and delivery
  's3.standard.gbMonth': listPrice(0.023, 'GB-month', AWS.s3, { upTo: 51_200 }),
  's3.glacierInstantRetrieval.gbMonth': listPrice(0.004, 'GB-month', AWS.s3, {
    via: 'AWS S3 pricing page (not re-read in a 2026 source)',
    confidence: 'verify',
    note: 'objects under 128 KB are billed as 128 KB; minimum 90 days',
  }),
  's3.standardInfrequentAccess.gbMonth': listPrice(0.0125, 'GB-month', AWS.s3, {
    via: S3_CLASSES_VIA,
    note: 'objects under 128 KB are billed as 128 KB; minimum 30 days',
  }),
  's3.glacierFlexibleRetrieval.gbMonth': listPrice(0.0036, 'GB-month', AWS.s3, {
    via: S3_CLASSES_VIA,
    note: 'plus 40 KB of index and metadata per object; minimum 90 days',
  }),
  's3.glacierDeepArchive.gbMonth': listPrice(0.00099, 'GB-month', AWS.s3, {
    via: S3_CLASSES_VIA,
    note: 'plus 40 KB of index and metadata per object; minimum 180 days',
  }),
  's3.transitionToStandardInfrequentAccess1k': listPrice(0.01, '1k lifecycle transitions', AWS.s3, {
    via: 'AWS S3 pricing page (not re-read in a 2026 source)',
    confidence: 'verify',
  }),
  's3.transitionToGlacierFlexibleRetrieval1k': listPrice(0.03, '1k lifecycle transitions', AWS.s3, {
    via: 'AWS S3 pricing page (not re-read in a 2026 source)',
    confidence: 'verify',
  }),
  's3.transitionToGlacierDeepArchive1k': listPrice(0.05, '1k lifecycle transitions', AWS.s3, {
    via: 'AWS S3 pricing page (not re-read in a 2026 source)',
    confidence: 'verify',
  }),
  's3.replicationTimeControl.gb': listPrice(0.015, 'GB replicated with Replication Time Control', AWS.s3, {
    confidence: 'verify',
    note: 'on top of the inter-region transfer and the replica PUT requests',
  }),
  's3.put1k': listPrice(0.005, '1k PUT/COPY/POST/LIST requests', AWS.s3),
  's3.get1k': listPrice(0.0004, '1k GET requests', AWS.s3),
  's3.transitionToGlacierInstantRetrieval1k': listPrice(0.02, '1k lifecycle transitions', AWS.s3, {
    via: 'AWS S3 pricing page (not re-read in a 2026 source)',
    confidence: 'verify',
  }),
  'cloudfront.transferOut.gb': listPrice(0.085, 'GB to viewers (US, Canada, Europe)', AWS.cloudfront, {
    upTo: 10_240,
  }),
  'cloudfront.https10k': listPrice(0.01, '10k HTTPS requests', AWS.cloudfront),
  'route53.hostedZoneMonth': listPrice(0.5, 'hosted zone-month', AWS.route53, { upTo: 25 }),
  'route53.queries1M': listPrice(0.4, '1M standard queries', AWS.route53),
  'sqs.standard1M': listPrice(0.4, '1M requests', AWS.sqs),
  'sqs.fifo1M': listPrice(0.5, '1M requests', AWS.sqs),
  'lambda.arm64.gbSecond': listPrice(0.0000133334, 'GB-second', AWS.lambda),
  'lambda.x86.gbSecond': listPrice(0.0000166667, 'GB-second', AWS.lambda),
  'lambda.requests1M': listPrice(0.2, '1M requests', AWS.lambda),
  'apiGateway.rest.requests1M': listPrice(3.5, '1M REST API requests', AWS.apiGateway, {
    via: 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html (AWS whitepaper, Table 4) and Part B',
    upTo: 333_000_000,
    note: 'first 333M requests a month; caching and data transfer are billed apart (caching is off)',
  }),
  'backup.aurora.snapshot.gbMonth': listPrice(0.021, 'GB-month of Aurora snapshots', AWS.backup, {
    note: 'AWS Backup bills Aurora snapshots at the Aurora backup storage rate',
  }),
};

/** Items priced like us-east-1 in another region, with the reason the price is the same there. */
function sameAsUsEast1(items: readonly string[], via: string): Record<string, Price> {
  return Object.fromEntries(
    items.map((item) => [item, { ...US_EAST_1[item]!, via, read: READ, confidence: 'verify' as const }]),
  );
}

/** The DR region holds backup copies and the key of their vault, and the documents replica with its alarm. */
const US_WEST_2: Readonly<Record<string, Price>> = {
  ...sameAsUsEast1(
    [
      's3.standard.gbMonth',
      's3.standardInfrequentAccess.gbMonth',
      's3.glacierFlexibleRetrieval.gbMonth',
      's3.glacierDeepArchive.gbMonth',
      's3.put1k',
      's3.get1k',
      's3.transitionToStandardInfrequentAccess1k',
      's3.transitionToGlacierFlexibleRetrieval1k',
      's3.transitionToGlacierDeepArchive1k',
    ],
    'AWS S3 pricing page: US West (Oregon) storage, request and transition prices match US East (N. Virginia)',
  ),
  ...sameAsUsEast1(
    ['lambda.arm64.gbSecond', 'lambda.x86.gbSecond', 'lambda.requests1M'],
    'AWS Lambda pricing page: US West (Oregon) matches US East (N. Virginia) (S3 auto-delete provider of dev)',
  ),
  ...sameAsUsEast1(
    ['cloudwatch.alarmMonth', 'cloudwatch.metricMonth'],
    'AWS CloudWatch pricing page: US West (Oregon) matches US East (N. Virginia) for alarms and metrics',
  ),
  ...sameAsUsEast1(
    ['backup.aurora.snapshot.gbMonth'],
    'AWS Backup pricing page: US West (Oregon) matches US East (N. Virginia) for Aurora snapshots',
  ),
  ...sameAsUsEast1(
    ['kms.keyMonth', 'kms.rotatedKeyMonth', 'kms.requests10k'],
    'AWS KMS pricing page: key and request prices are the same in every commercial region',
  ),
};

export const PRICES: Readonly<Record<string, Readonly<Record<string, Price>>>> = {
  'us-east-1': US_EAST_1,
  'us-west-2': US_WEST_2,
};

/** Thrown when a region or item has no price: the estimate must not guess. */
export class MissingPriceError extends Error {
  constructor(region: string, item: string) {
    super(`no price for '${item}' in region ${region}: add it to infra/cost/prices.ts with its source`);
    this.name = 'MissingPriceError';
  }
}

export function priceOf(region: string, item: string, table = PRICES): Price {
  const price = table[region]?.[item];
  if (!price) throw new MissingPriceError(region, item);
  return price;
}
