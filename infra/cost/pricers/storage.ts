import { DAYS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Charge, type Pricer, type PricingContext } from '../pricing.js';
import { arrayAt, numberAt, prop, stringAt } from '../template.js';
import { gbOf, type TrafficProfile } from '../traffic/index.js';

type Purpose = keyof TrafficProfile['volumes']['storage'];

/** Which resource property, pointing at a bucket, tells what the bucket holds; first match wins. */
const PURPOSES: readonly { type: string; path: string; purpose: Purpose }[] = [
  { type: 'AWS::CloudTrail::Trail', path: 'S3BucketName', purpose: 'trail' },
  { type: 'AWS::Config::DeliveryChannel', path: 'S3BucketName', purpose: 'configHistory' },
  { type: 'AWS::EC2::FlowLog', path: 'LogDestination', purpose: 'flowLogs' },
  {
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    path: 'LoadBalancerAttributes',
    purpose: 'loadBalancerLogs',
  },
  { type: 'AWS::CloudFront::Distribution', path: 'DistributionConfig.Logging', purpose: 'cdnLogs' },
  {
    type: 'AWS::S3::Bucket',
    path: 'LoggingConfiguration.DestinationBucketName',
    purpose: 'serverAccessLogs',
  },
  { type: 'AWS::CloudFront::Distribution', path: 'DistributionConfig.Origins', purpose: 'staticContent' },
  { type: 'Custom::CDKBucketDeployment', path: 'DestinationBucketName', purpose: 'staticContent' },
];

function isCloudFrontOrigin({ resource, env }: PricingContext): boolean {
  return env
    .referrers(resource, 'AWS::CloudFront::Distribution')
    .some((d) => env.pointsAt(d, prop(d.properties, 'DistributionConfig.Origins'), resource));
}

function purposeOf({ resource, env }: PricingContext): Purpose {
  const match = PURPOSES.find(({ type, path }) =>
    env.referrers(resource, type).some((r) => env.pointsAt(r, prop(r.properties, path), resource)),
  );
  return match?.purpose ?? 'other';
}

/** The storage classes lifecycle rules move objects to, with their prices. */
const CLASSES: Readonly<
  Record<string, { name: string; storage: string; transition: string; minimumObjectKb?: number }>
> = {
  GLACIER_IR: {
    name: 'Glacier Instant Retrieval',
    storage: 's3.glacierInstantRetrieval.gbMonth',
    transition: 's3.transitionToGlacierInstantRetrieval1k',
    minimumObjectKb: 128,
  },
  STANDARD_IA: {
    name: 'Standard-IA',
    storage: 's3.standardInfrequentAccess.gbMonth',
    transition: 's3.transitionToStandardInfrequentAccess1k',
    minimumObjectKb: 128,
  },
  GLACIER: {
    name: 'Glacier Flexible Retrieval',
    storage: 's3.glacierFlexibleRetrieval.gbMonth',
    transition: 's3.transitionToGlacierFlexibleRetrieval1k',
  },
  DEEP_ARCHIVE: {
    name: 'Glacier Deep Archive',
    storage: 's3.glacierDeepArchive.gbMonth',
    transition: 's3.transitionToGlacierDeepArchive1k',
  },
};

interface Lifecycle {
  readonly expirationDays: number;
  /** Where current versions go and at what age, youngest first (the earliest rule per class). */
  readonly transitions: readonly { readonly storageClass: string; readonly afterDays: number }[];
}

function lifecycleOf(bucket: PricingContext['resource']): Lifecycle {
  let expirationDays = Number.POSITIVE_INFINITY;
  const after = new Map<string, number>();
  for (const rule of arrayAt(bucket.properties, 'LifecycleConfiguration.Rules')) {
    if (stringAt(rule, 'Status') !== 'Enabled') continue;
    if (
      prop(rule, 'Prefix') !== undefined ||
      prop(rule, 'TagFilters') !== undefined ||
      prop(rule, 'ObjectSizeGreaterThan') !== undefined
    ) {
      throw new UnpricedError('lifecycle rules limited to some objects are not priced');
    }
    expirationDays = Math.min(expirationDays, numberAt(rule, 'ExpirationInDays') ?? Number.POSITIVE_INFINITY);
    for (const t of arrayAt(rule, 'Transitions')) {
      const storageClass = stringAt(t, 'StorageClass') ?? '';
      if (CLASSES[storageClass] === undefined)
        throw new UnpricedError(`transitions to ${storageClass} are not priced`);
      const days = numberAt(t, 'TransitionInDays') ?? 0;
      after.set(storageClass, Math.min(after.get(storageClass) ?? Number.POSITIVE_INFINITY, days));
    }
  }
  const transitions = [...after.entries()]
    .map(([storageClass, afterDays]) => ({ storageClass, afterDays }))
    .sort((a, b) => a.afterDays - b.afterDays);
  return { expirationDays, transitions };
}

/** Text of a literal ARN, also when a template writes it as `Fn::Join` with `AWS::Partition`. */
function literal(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = prop(value, 'Fn::Join');
  if (!Array.isArray(join) || !Array.isArray(join[1])) return undefined;
  return join[1].map((part: unknown) => (typeof part === 'string' ? part : '*')).join(String(join[0]));
}

/** The replication rules of a bucket, and whether they cover every object (the only case priced). */
function replicationRulesOf(bucket: PricingContext['resource']): unknown[] {
  const rules = arrayAt(bucket.properties, 'ReplicationConfiguration.Rules').filter(
    (r) => stringAt(r, 'Status') === 'Enabled',
  );
  for (const rule of rules) {
    const prefix = prop(rule, 'Filter.Prefix') ?? prop(rule, 'Prefix') ?? '';
    if (
      prefix !== '' ||
      prop(rule, 'Filter.TagFilter') !== undefined ||
      prop(rule, 'Filter.And') !== undefined
    ) {
      throw new UnpricedError('replication of some objects only is not priced');
    }
  }
  return rules;
}

/** True when another bucket of the environment replicates into this one (named by its ARN). */
function isReplicaOf(ctx: PricingContext): boolean {
  const name = stringAt(ctx.resource.properties, 'BucketName');
  if (name === undefined) return false;
  return ctx.env
    .ofType('AWS::S3::Bucket')
    .some((source) =>
      arrayAt(source.properties, 'ReplicationConfiguration.Rules').some((rule) =>
        literal(prop(rule, 'Destination.Bucket'))?.endsWith(`:::${name}`),
      ),
    );
}

const days = (n: number): string => (Number.isFinite(n) ? `${n} days` : 'never');

/** Storage by class of `gbPerMonth` written each month, `kept` days at most, at month `operated` days in. */
function storageCharges(
  volume: { gbPerMonth: number; putsPerMonth: number },
  lifecycle: Lifecycle,
  operated: number,
  held: string,
): Charge[] {
  const kept = Math.min(lifecycle.expirationDays, operated);
  const windowDays = (from: number, to: number) => Math.max(0, Math.min(to, kept) - Math.min(from, kept));
  const first = lifecycle.transitions[0]?.afterDays ?? Number.POSITIVE_INFINITY;
  const standardDays = windowDays(0, first);
  const charges: Charge[] = [
    {
      label: 'Standard storage',
      item: 's3.standard.gbMonth',
      quantity: (volume.gbPerMonth * standardDays) / DAYS_PER_MONTH,
      note: `${held}; ${Math.round(standardDays)} days in Standard`,
    },
  ];
  lifecycle.transitions.forEach(({ storageClass, afterDays }, i) => {
    const cls = CLASSES[storageClass]!;
    const until = lifecycle.transitions[i + 1]?.afterDays ?? Number.POSITIVE_INFINITY;
    const inClass = windowDays(afterDays, until);
    const objects = (volume.putsPerMonth * inClass) / DAYS_PER_MONTH;
    const gb = (volume.gbPerMonth * inClass) / DAYS_PER_MONTH;
    const minimum = cls.minimumObjectKb;
    charges.push(
      {
        label: `${cls.name} storage`,
        item: cls.storage,
        quantity: minimum === undefined ? gb : Math.max(gb, gbOf(objects, minimum)),
        note:
          `${Math.round(inClass)} days after the transition at ${afterDays} days; ${Math.round(objects)} objects` +
          (minimum === undefined ? '' : `, each billed at least ${minimum} KiB`),
      },
      {
        label: `lifecycle transitions to ${cls.name}`,
        item: cls.transition,
        quantity:
          (volume.putsPerMonth * Math.min(1, Math.max(0, (operated - afterDays) / DAYS_PER_MONTH))) / 1000,
        note: 'each object moves once, when it reaches the transition age',
      },
    );
  });
  return charges;
}

/**
 * Cross-region replication of every object written: the transfer to the DR region, Replication Time Control, and
 * its replication metrics (custom-metric rate; three of the four are published in the destination region).
 */
function replicationCharges(rules: readonly unknown[], gbPerMonth: number): Charge[] {
  if (rules.length === 0) return [];
  const timeControlled = rules.filter((r) => stringAt(r, 'Destination.ReplicationTime.Status') === 'Enabled');
  const withMetrics = rules.filter((r) => stringAt(r, 'Destination.Metrics.Status') === 'Enabled');
  const charges: Charge[] = [
    {
      label: 'replication transfer to the DR region',
      item: 'dataTransfer.interRegion.gb',
      quantity: gbPerMonth * rules.length,
      note: `every object written is replicated (${rules.length} rule(s)); the replica's PUTs are priced on the replica`,
    },
  ];
  if (timeControlled.length > 0) {
    charges.push({
      label: 'Replication Time Control',
      item: 's3.replicationTimeControl.gb',
      quantity: gbPerMonth * timeControlled.length,
      note: 'per GB replicated under the 15-minute objective',
    });
  }
  if (withMetrics.length > 0) {
    charges.push({
      label: 'replication metrics',
      item: 'cloudwatch.metricMonth',
      quantity: 4 * withMetrics.length,
      note: 'bytes and operations pending, latency, operations failed: four custom metrics per rule',
    });
  }
  return charges;
}

/**
 * A bucket accumulates its purpose's monthly volume under its lifecycle (current versions; noncurrent versions
 * are not priced: documents and logs are written once). Transitions are priced for every object, although S3
 * keeps objects under 128 KiB in their class by default: for small objects the estimate is an upper bound of the
 * transition requests and a lower bound of the storage, both cents at the profiles' volumes.
 */
export const bucket: Pricer = (ctx) => {
  const { resource, profile } = ctx;
  for (const key of ['IntelligentTieringConfigurations', 'InventoryConfigurations']) {
    if (prop(resource.properties, key) !== undefined) throw new UnpricedError(`${key} is not priced`);
  }
  const replication = replicationRulesOf(resource);
  const storage = profile.volumes.storage;
  // The documents bucket is the one that replicates; its replica holds the same objects.
  const purpose: Purpose = replication.length > 0 || isReplicaOf(ctx) ? 'documents' : purposeOf(ctx);
  if (purpose === 'staticContent') {
    const { storedGb, putsPerMonth } = storage.staticContent;
    const charges: Charge[] = [
      { label: 'Standard storage', item: 's3.standard.gbMonth', quantity: storedGb, note: 'static content' },
      { label: 'PUT requests', item: 's3.put1k', quantity: putsPerMonth / 1000, note: 'content deployments' },
    ];
    if (isCloudFrontOrigin(ctx)) {
      const originGets = profile.volumes.edge.requestsPerMonth * (1 - profile.shape.edgeCacheHitRatio);
      charges.push({
        label: 'GET requests',
        item: 's3.get1k',
        quantity: originGets / 1000,
        note: `CloudFront origin fetches: ${1 - profile.shape.edgeCacheHitRatio} of its requests miss the cache`,
      });
    }
    return charges;
  }
  const volume = storage[purpose];
  const lifecycle = lifecycleOf(resource);
  const held = `${purpose}: ${volume.gbPerMonth} GB a month, month ${profile.monthsInOperation}, expires ${days(lifecycle.expirationDays)}`;
  const [standard, ...archived] = storageCharges(
    volume,
    lifecycle,
    profile.monthsInOperation * DAYS_PER_MONTH,
    held,
  );
  return [
    standard!,
    {
      label: 'PUT requests',
      item: 's3.put1k',
      quantity: volume.putsPerMonth / 1000,
      note:
        purpose === 'documents'
          ? 'documents written (on a replica: replicated)'
          : `${purpose}: log deliveries`,
    },
    ...archived,
    ...replicationCharges(replication, volume.gbPerMonth),
  ];
};
