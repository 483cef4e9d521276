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

interface Lifecycle {
  readonly expirationDays: number;
  readonly glacierIrAfterDays: number;
}

function lifecycleOf(bucket: PricingContext['resource']): Lifecycle {
  let expirationDays = Number.POSITIVE_INFINITY;
  let glacierIrAfterDays = Number.POSITIVE_INFINITY;
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
      const storageClass = stringAt(t, 'StorageClass');
      if (storageClass !== 'GLACIER_IR')
        throw new UnpricedError(`transitions to ${storageClass} are not priced`);
      glacierIrAfterDays = Math.min(glacierIrAfterDays, numberAt(t, 'TransitionInDays') ?? 0);
    }
  }
  return { expirationDays, glacierIrAfterDays };
}

/** Glacier Instant Retrieval bills every object as at least 128 KiB. */
const GLACIER_IR_MINIMUM_OBJECT_KB = 128;

const days = (n: number): string => (Number.isFinite(n) ? `${n} days` : 'never');

export const bucket: Pricer = (ctx) => {
  const { resource, profile } = ctx;
  for (const key of [
    'ReplicationConfiguration',
    'IntelligentTieringConfigurations',
    'InventoryConfigurations',
  ]) {
    if (prop(resource.properties, key) !== undefined) throw new UnpricedError(`${key} is not priced`);
  }
  const purpose = purposeOf(ctx);
  const storage = profile.volumes.storage;
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
  const { gbPerMonth, putsPerMonth } = storage[purpose];
  const { expirationDays, glacierIrAfterDays } = lifecycleOf(resource);
  const operated = profile.monthsInOperation * DAYS_PER_MONTH;
  const kept = Math.min(expirationDays, operated);
  const standardDays = Math.min(glacierIrAfterDays, kept);
  const glacierDays = Math.max(0, kept - glacierIrAfterDays);
  const held = `${purpose}: ${gbPerMonth} GB a month, month ${profile.monthsInOperation}, expires ${days(expirationDays)}`;
  const charges: Charge[] = [
    {
      label: 'Standard storage',
      item: 's3.standard.gbMonth',
      quantity: (gbPerMonth * standardDays) / DAYS_PER_MONTH,
      note: `${held}; ${Math.round(standardDays)} days in Standard`,
    },
    {
      label: 'PUT requests',
      item: 's3.put1k',
      quantity: putsPerMonth / 1000,
      note: `${purpose}: log deliveries`,
    },
  ];
  if (Number.isFinite(glacierIrAfterDays)) {
    const objects = (putsPerMonth * glacierDays) / DAYS_PER_MONTH;
    const gb = (gbPerMonth * glacierDays) / DAYS_PER_MONTH;
    const billedGb = Math.max(gb, gbOf(objects, GLACIER_IR_MINIMUM_OBJECT_KB));
    charges.push(
      {
        label: 'Glacier Instant Retrieval storage',
        item: 's3.glacierInstantRetrieval.gbMonth',
        quantity: billedGb,
        note: `${Math.round(glacierDays)} days after the transition at ${glacierIrAfterDays} days; ${Math.round(objects)} objects, each billed at least ${GLACIER_IR_MINIMUM_OBJECT_KB} KiB`,
      },
      {
        label: 'lifecycle transitions',
        item: 's3.transitionToGlacierInstantRetrieval1k',
        quantity:
          (putsPerMonth * Math.min(1, Math.max(0, (operated - glacierIrAfterDays) / DAYS_PER_MONTH))) / 1000,
        note: 'each object moves once, when it reaches the transition age',
      },
    );
  }
  return charges;
};
