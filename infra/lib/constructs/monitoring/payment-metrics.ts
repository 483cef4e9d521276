/**
 * The business metrics the payment API writes as CloudWatch Embedded Metric Format lines in its logs
 * (services/payment-api/src/metrics/business-metrics.ts; a test keeps the two in step).
 */
export const PAYMENT_METRICS_NAMESPACE = 'Tessera/PaymentApi';

export const PAYMENT_METRICS = {
  succeeded: 'PaymentSucceeded',
  declined: 'PaymentDeclined',
  refunds: 'RefundSucceeded',
  authorizationLatency: 'AuthorizationLatency',
  idempotentReplays: 'IdempotentReplay',
  requests: 'Requests',
  serverErrors: 'ServerErrors',
} as const;
