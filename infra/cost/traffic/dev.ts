import { FIVE_MINUTE_DELIVERIES_PER_MONTH as DELIVERIES, SHAPE } from './common.js';
import { gbOf, type TrafficProfile } from './schema.js';

// A few engineers exercising the API by hand and from CI: ~2,500 calls a working day.
const API_REQUESTS = 50_000;
const STATUS_PAGE_REQUESTS = 2_000;
const MANAGEMENT_EVENTS = 300_000;
const AZS = 2;

/** dev: the 3rd month of a development environment (torn down and rebuilt now and then). */
export const devTraffic: TrafficProfile = {
  basis: 'a few engineers and CI: ~2,500 API calls a working day; priced as the 3rd month of operation',
  monthsInOperation: 3,
  volumes: {
    api: { requestsPerMonth: API_REQUESTS },
    // A tenth of the calls go through the partner API when it is enabled.
    partnerApi: { requestsPerMonth: API_REQUESTS / 10 },
    edge: { requestsPerMonth: STATUS_PAGE_REQUESTS, transferOutGb: gbOf(STATUS_PAGE_REQUESTS, 10) },
    network: {
      natGb: 1,
      interfaceEndpointGb: 1,
      flowLogGb: gbOf(API_REQUESTS * 30, 0.1),
      dnsQueryLogGb: 0.05,
      lambdaNetworkGb: 0.01,
      // Peering is off in dev; the volume prices it when switched on.
      peeringGb: 1,
    },
    database: {
      storageGb: 2,
      dailyChangeGb: 0.05,
      ioRequestsMillions: (API_REQUESTS * 50) / 1_000_000,
      // Working hours keep the writer a little above its 0.5 ACU floor.
      serverlessAverageAcu: 0.75,
    },
    security: {
      managementEventsPerMonth: MANAGEMENT_EVENTS,
      configItemsPerMonth: 1_000,
      kmsRequestsPerMonth: 50_000,
      secretsApiCallsPerMonth: 2_000,
      malwareScanGb: 0,
    },
    logs: { otherGbPerLogGroup: 0.01 },
    storage: {
      trail: { gbPerMonth: gbOf(MANAGEMENT_EVENTS, 0.2), putsPerMonth: 2 * DELIVERIES + 17 * 730 },
      configHistory: { gbPerMonth: 0.1, putsPerMonth: 1_000 },
      flowLogs: { gbPerMonth: gbOf(API_REQUESTS * 30, 0.02), putsPerMonth: DELIVERIES },
      loadBalancerLogs: { gbPerMonth: gbOf(API_REQUESTS, 0.1), putsPerMonth: AZS * DELIVERIES },
      cdnLogs: { gbPerMonth: gbOf(STATUS_PAGE_REQUESTS, 0.1), putsPerMonth: 500 },
      serverAccessLogs: { gbPerMonth: 0.01, putsPerMonth: 10_000 },
      // Documents: a few test settlement reports and uploads a day.
      documents: { gbPerMonth: gbOf(300, 100), putsPerMonth: 300 },
      staticContent: { storedGb: 0.01, putsPerMonth: 300 },
      other: { gbPerMonth: 0.05, putsPerMonth: 500 },
    },
    messaging: { sqsRequestsPerMonth: 3 * 10_000 },
    dns: { queriesPerMonth: 20_000 },
  },
  shape: SHAPE,
};
