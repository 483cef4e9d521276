import { HOURS_PER_MONTH } from '../prices.js';
import type { TrafficProfile } from './schema.js';

/** What one unit of use weighs; the same in every environment (the payment API behaves the same everywhere). */
export const SHAPE: TrafficProfile['shape'] = {
  // A payment API call: form-encoded request, Stripe-shaped JSON response.
  requestKb: 1.5,
  responseKb: 2,
  // Server-side SDKs (stripe-node) keep connections alive.
  requestsPerConnection: 20,
  // One pino JSON line per request plus error detail now and then.
  appLogKbPerRequest: 1,
  // Connection log lines and pgaudit WRITE/DDL records of the statements one request runs.
  databaseLogKbPerRequest: 2,
  // A WAF log record (headers, rule matches) is about 1.5 KiB.
  wafLogKbPerRequest: 1.5,
  trailLogKbPerEvent: 1.5,
  functionLogKbPerInvocation: 2,
  // The stage's access log object: ~27 fields with the client certificate's DNs.
  apiGatewayAccessLogKbPerRequest: 1.2,
  // INFO execution logging writes a dozen lines per request (authorizer, integration, status), no bodies.
  apiGatewayExecutionLogKbPerRequest: 3,
  // CloudWatch Logs archives gzip-compressed data; JSON logs compress about 6:1.
  logArchiveRatio: 0.15,
  // Status page and static assets are cacheable.
  edgeCacheHitRatio: 0.9,
};

/** Log files a month written by services that deliver every 5 minutes (CloudTrail, ALB per AZ, flow logs). */
export const FIVE_MINUTE_DELIVERIES_PER_MONTH = 12 * HOURS_PER_MONTH;
