/**
 * The traffic profile an environment is priced with: how much it is used in a month (volumes) and what one unit
 * of use weighs (shape). Idle pricing zeroes every volume and keeps the shape.
 *
 * One module per environment (./dev.ts, ./staging.ts, ./prod.ts) holds the values and where they come from;
 * this schema is meant to become the `cost.traffic` section of the environment config.
 */
import { z } from 'zod';

const volume = z.number({ error: 'must be a number' }).nonnegative({ error: 'must be 0 or more' });
const ratio = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' });
const positive = z.number({ error: 'must be a number' }).positive({ error: 'must be more than 0' });

/** Objects a log or data bucket receives in a month. */
const bucketVolume = z.strictObject({
  /** GB written per month (compressed, as stored). */
  gbPerMonth: volume,
  /** Objects written per month (log deliveries write one object per file). */
  putsPerMonth: volume,
});

export const trafficProfileSchema = z.strictObject({
  /** Where the volumes come from, shown in the report. */
  basis: z.string().min(20, { error: 'must say where the numbers come from (20 characters or more)' }),
  /**
   * The month of operation that is priced: log archives, backups and key rotations accumulate up to it.
   * Idle pricing always prices month 1 of a fresh deployment.
   */
  monthsInOperation: z.number().int({ error: 'must be a whole number' }).min(1).max(120),
  volumes: z.strictObject({
    api: z.strictObject({ requestsPerMonth: volume }),
    /**
     * Requests through the partner API (mutual TLS, API Gateway). They reach the service through the load
     * balancer too, so they are part of api.requestsPerMonth.
     */
    partnerApi: z.strictObject({ requestsPerMonth: volume }),
    /** CloudFront (status page and static content). */
    edge: z.strictObject({ requestsPerMonth: volume, transferOutGb: volume }),
    network: z.strictObject({
      /** GB leaving through NAT (acquirer, webhooks); split evenly over the NAT devices. */
      natGb: volume,
      /** GB through interface endpoints; split evenly over them. */
      interfaceEndpointGb: volume,
      /** GB of VPC flow log records the VPC produces (each flow log delivers all of it). */
      flowLogGb: volume,
      /** GB of DNS query logs GuardDuty analyses. */
      dnsQueryLogGb: volume,
      /** GB of Lambda network activity GuardDuty analyses. */
      lambdaNetworkGb: volume,
      /** GB crossing the analytics peering (reads from the Aurora reader and their replies), when peered. */
      peeringGb: volume,
    }),
    database: z.strictObject({
      storageGb: volume,
      /** GB of pages changed a day: what point-in-time backups keep beyond the base copy. */
      dailyChangeGb: volume,
      ioRequestsMillions: volume,
      /** Average ACUs per Serverless v2 instance under this traffic (never below the minimum). */
      serverlessAverageAcu: volume,
    }),
    security: z.strictObject({
      /** CloudTrail management events in the account (all regions); GuardDuty analyses them too. */
      managementEventsPerMonth: volume,
      /** Configuration changes AWS Config records after the deployment (task ENIs, deploys, scaling). */
      configItemsPerMonth: volume,
      /** KMS API requests, split evenly over the customer-managed keys. */
      kmsRequestsPerMonth: volume,
      /** Secrets Manager API calls, split evenly over the secrets. */
      secretsApiCallsPerMonth: volume,
      /** GB GuardDuty Malware Protection scans (only after a suspicious finding). */
      malwareScanGb: volume,
    }),
    logs: z.strictObject({
      /** GB a month for each log group whose writer the model does not recognise. */
      otherGbPerLogGroup: volume,
    }),
    storage: z.strictObject({
      trail: bucketVolume,
      configHistory: bucketVolume,
      flowLogs: bucketVolume,
      loadBalancerLogs: bucketVolume,
      cdnLogs: bucketVolume,
      serverAccessLogs: bucketVolume,
      /**
       * Documents written to the documents bucket a month (settlement reports, statements, dispute evidence);
       * with replication on, every one of them is also replicated to the DR region.
       */
      documents: bucketVolume,
      /** Static content is stored, not accumulated. */
      staticContent: z.strictObject({ storedGb: volume, putsPerMonth: volume }),
      /** Each bucket whose purpose the model does not recognise. */
      other: bucketVolume,
    }),
    messaging: z.strictObject({ sqsRequestsPerMonth: volume }),
    dns: z.strictObject({ queriesPerMonth: volume }),
  }),
  shape: z.strictObject({
    requestKb: positive,
    responseKb: positive,
    /** Requests a client sends over one TLS connection (keep-alive). */
    requestsPerConnection: positive,
    /** Payment API log written per request. */
    appLogKbPerRequest: volume,
    /** PostgreSQL log (connections, pgaudit) written per API request. */
    databaseLogKbPerRequest: volume,
    /** WAF log record per inspected request. */
    wafLogKbPerRequest: volume,
    /** CloudTrail record per management event (the CloudWatch Logs copy). */
    trailLogKbPerEvent: volume,
    functionLogKbPerInvocation: volume,
    /** API Gateway access log record per partner API request (the JSON format of the stage). */
    apiGatewayAccessLogKbPerRequest: volume,
    /** API Gateway execution log (INFO, no data trace) per partner API request. */
    apiGatewayExecutionLogKbPerRequest: volume,
    /** Archived CloudWatch Logs size ÷ ingested size (CloudWatch bills archive storage compressed). */
    logArchiveRatio: ratio,
    /** Share of CloudFront requests served from cache (the rest fetch the S3 origin). */
    edgeCacheHitRatio: ratio,
  }),
});

export type TrafficProfile = z.infer<typeof trafficProfileSchema>;

export class TrafficProfileError extends Error {}

/** Validates a profile and names the field, the value and what is allowed on failure. */
export function validateTrafficProfile(raw: unknown, source: string): TrafficProfile {
  const result = trafficProfileSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
  throw new TrafficProfileError([`invalid traffic profile (${source}):`, ...lines].join('\n'));
}

function zeroed<T>(value: T): T {
  if (typeof value === 'number') return 0 as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, zeroed(v)])) as T;
}

/** The idle month: a fresh deployment (month 1) with no traffic at all; the shape stays. */
export function idleProfile(profile: TrafficProfile): TrafficProfile {
  return { ...profile, monthsInOperation: 1, volumes: zeroed(profile.volumes) };
}

/** GB taken by `count` items of `kbEach` KiB (AWS bills GB of 2^30 bytes). */
export function gbOf(count: number, kbEach: number): number {
  return (count * kbEach) / (1024 * 1024);
}
