import { FIVE_MINUTE_DELIVERIES_PER_MONTH as DELIVERIES, SHAPE } from './common.js';
import { gbOf, type TrafficProfile } from './schema.js';

// Release testing: end-to-end suites and a weekly load test at ~10% of the prod sizing assumption.
const API_REQUESTS = 500_000;
const STATUS_PAGE_REQUESTS = 20_000;
const MANAGEMENT_EVENTS = 800_000;
const AZS = 3;

/** staging: the 12th month of operation under release testing. */
export const stagingTraffic: TrafficProfile = {
  basis: 'release testing: end-to-end suites and a weekly load test, ~10% of the prod API volume; 12th month',
  monthsInOperation: 12,
  volumes: {
    api: { requestsPerMonth: API_REQUESTS },
    // A tenth of the calls test the partner API when it is enabled.
    partnerApi: { requestsPerMonth: API_REQUESTS / 10 },
    edge: { requestsPerMonth: STATUS_PAGE_REQUESTS, transferOutGb: gbOf(STATUS_PAGE_REQUESTS, 10) },
    network: {
      natGb: gbOf(100_000 * 2, 10),
      interfaceEndpointGb: 5,
      flowLogGb: gbOf(API_REQUESTS * 30, 0.1),
      dnsQueryLogGb: 0.2,
      lambdaNetworkGb: 0.01,
      peeringGb: 10,
    },
    database: {
      storageGb: 10,
      dailyChangeGb: 0.2,
      ioRequestsMillions: (API_REQUESTS * 50) / 1_000_000,
      serverlessAverageAcu: 0,
    },
    security: {
      // Deploys several times a day: CloudFormation, ECS and IAM calls dominate.
      managementEventsPerMonth: MANAGEMENT_EVENTS,
      configItemsPerMonth: 2_000,
      kmsRequestsPerMonth: 300_000,
      secretsApiCallsPerMonth: 10_000,
      malwareScanGb: 0,
    },
    logs: { otherGbPerLogGroup: 0.05 },
    storage: {
      trail: { gbPerMonth: gbOf(MANAGEMENT_EVENTS, 0.2), putsPerMonth: 3 * DELIVERIES + 17 * 730 },
      configHistory: { gbPerMonth: 0.3, putsPerMonth: 1_500 },
      flowLogs: { gbPerMonth: gbOf(API_REQUESTS * 30, 0.02), putsPerMonth: DELIVERIES },
      loadBalancerLogs: { gbPerMonth: gbOf(API_REQUESTS, 0.1), putsPerMonth: AZS * DELIVERIES },
      cdnLogs: { gbPerMonth: gbOf(STATUS_PAGE_REQUESTS, 0.1), putsPerMonth: 2_000 },
      serverAccessLogs: { gbPerMonth: 0.05, putsPerMonth: 30_000 },
      // Documents: ~10% of the prod volume (test settlements, statements and dispute evidence).
      documents: {
        gbPerMonth: (gbOf(30_000, 10) + gbOf(1_000, 50) + gbOf(1_000 * 3, 500)) / 10,
        putsPerMonth: (30_000 + 1_000 + 3_000) / 10,
      },
      staticContent: { storedGb: 0.01, putsPerMonth: 300 },
      other: { gbPerMonth: 0.2, putsPerMonth: 2_000 },
    },
    messaging: { sqsRequestsPerMonth: 3 * 100_000 },
    dns: { queriesPerMonth: 200_000 },
  },
  shape: SHAPE,
};
