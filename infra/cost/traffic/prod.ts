import { FIVE_MINUTE_DELIVERIES_PER_MONTH as DELIVERIES, SHAPE } from './common.js';
import { gbOf, type TrafficProfile } from './schema.js';

// Sizing assumption: a merchant platform settling 1M card payments a month, ~5 API calls each
// (create, confirm, capture, retrieve, refund or webhook replay).
const API_REQUESTS = 5_000_000;
const STATUS_PAGE_REQUESTS = 1_000_000;
const MANAGEMENT_EVENTS = 2_000_000;
const AZS = 3;

/** prod: the 12th month of operation under the sizing assumption above. */
export const prodTraffic: TrafficProfile = {
  basis:
    'sizing assumption: 1M card payments a month × ~5 API calls; status page 1M views; 12th month of operation',
  monthsInOperation: 12,
  volumes: {
    api: { requestsPerMonth: API_REQUESTS },
    // A fifth of the calls come from platforms and partners that call server to server with mutual TLS.
    partnerApi: { requestsPerMonth: API_REQUESTS / 5 },
    edge: { requestsPerMonth: STATUS_PAGE_REQUESTS, transferOutGb: gbOf(STATUS_PAGE_REQUESTS, 10) },
    network: {
      // Two outbound calls per payment (acquirer, webhook) of ~10 KiB each.
      natGb: gbOf(1_000_000 * 2, 10),
      // Logs shipped through the logs endpoint plus KMS, Secrets Manager and ECR API calls.
      interfaceEndpointGb: 30,
      // ~100 bytes per flow record, ~30 records per API call (client, proxy, database, endpoints).
      flowLogGb: gbOf(API_REQUESTS * 30, 0.1),
      dnsQueryLogGb: 1,
      lambdaNetworkGb: 0.01,
      // Analytics reads of the ledger and payment tables, about 3 GB a day.
      peeringGb: 100,
    },
    database: {
      storageGb: 50,
      // Payments, ledger postings, audit rows and indexes: ~1 KiB changed per API call, doubled for pages.
      dailyChangeGb: 1,
      // ~50 page I/Os per API call.
      ioRequestsMillions: (API_REQUESTS * 50) / 1_000_000,
      serverlessAverageAcu: 0,
    },
    security: {
      managementEventsPerMonth: MANAGEMENT_EVENTS,
      // Task ENIs of scaling and deploys, security group and role changes.
      configItemsPerMonth: 3_000,
      // Data keys are cached by the vault; services call KMS for log, secret and bucket encryption.
      kmsRequestsPerMonth: 1_000_000,
      secretsApiCallsPerMonth: 20_000,
      malwareScanGb: 0,
    },
    logs: { otherGbPerLogGroup: 0.1 },
    storage: {
      // Three active regions deliver every 5 minutes, plus hourly digests from 17 regions.
      trail: { gbPerMonth: gbOf(MANAGEMENT_EVENTS, 0.2), putsPerMonth: 3 * DELIVERIES + 17 * 730 },
      configHistory: { gbPerMonth: 0.5, putsPerMonth: 2_000 },
      flowLogs: { gbPerMonth: gbOf(API_REQUESTS * 30, 0.02), putsPerMonth: DELIVERIES },
      loadBalancerLogs: { gbPerMonth: gbOf(API_REQUESTS, 0.1), putsPerMonth: AZS * DELIVERIES },
      cdnLogs: { gbPerMonth: gbOf(STATUS_PAGE_REQUESTS, 0.1), putsPerMonth: 5_000 },
      // Access-log records of the log buckets above, delivered in batches.
      serverAccessLogs: { gbPerMonth: 0.1, putsPerMonth: 50_000 },
      // Documents: a daily settlement report per merchant (1,000 merchants × 30 days, ~10 KiB each), a monthly
      // statement per merchant (~50 KiB) and dispute evidence (0.1% of 1M payments, 3 files of ~500 KiB).
      documents: {
        gbPerMonth: gbOf(30_000, 10) + gbOf(1_000, 50) + gbOf(1_000 * 3, 500),
        putsPerMonth: 30_000 + 1_000 + 3_000,
      },
      staticContent: { storedGb: 0.01, putsPerMonth: 100 },
      other: { gbPerMonth: 1, putsPerMonth: 10_000 },
    },
    messaging: { sqsRequestsPerMonth: 3 * 1_000_000 },
    dns: { queriesPerMonth: 1_000_000 },
  },
  shape: SHAPE,
};
