import { describe, expect, it } from 'vitest';
import {
  PAYMENT_METRICS,
  PAYMENT_METRICS_NAMESPACE,
} from '../../../lib/constructs/monitoring/payment-metrics.js';
import {
  METRIC_NAMES,
  METRICS_NAMESPACE,
} from '../../../../services/payment-api/src/metrics/business-metrics.js';

describe('the payment API business metrics the alarms read', () => {
  it('are the ones the service writes (namespace and every name)', () => {
    expect(PAYMENT_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(PAYMENT_METRICS).toEqual(METRIC_NAMES);
  });
});
