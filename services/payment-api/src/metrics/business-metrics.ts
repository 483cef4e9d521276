import type { Logger } from 'pino';
import { type EmfDirective, emfRecord } from './emf.js';

/** Namespace and names of the business metrics (infra/lib/constructs/monitoring/payment-metrics.ts alarms on them). */
export const METRICS_NAMESPACE = 'Tessera/PaymentApi';

export const METRIC_NAMES = {
  succeeded: 'PaymentSucceeded',
  declined: 'PaymentDeclined',
  refunds: 'RefundSucceeded',
  authorizationLatency: 'AuthorizationLatency',
  idempotentReplays: 'IdempotentReplay',
  requests: 'Requests',
  serverErrors: 'ServerErrors',
} as const;

/** The outcome of one authorization at the acquirer. */
export type AuthorizationOutcome =
  { readonly approved: true } | { readonly approved: false; readonly code: string };

/**
 * The payment API's business metrics as Embedded Metric Format log lines: on the request path they cost one log
 * line, never a network call. Every metric carries the `Environment` dimension; declines also `DeclineCode`.
 */
export class BusinessMetrics {
  private readonly out: Logger;

  constructor(
    logger: Logger,
    private readonly environment: string,
    private readonly now: () => number = Date.now,
  ) {
    // Metrics are written whatever LOG_LEVEL hides: a child logger at info of its own.
    this.out = logger.child({ metrics: true }, { level: 'info' });
  }

  authorization(outcome: AuthorizationOutcome, latencyMs: number): void {
    const latency: EmfDirective = this.directive([['Environment']], {
      [METRIC_NAMES.authorizationLatency]: { value: latencyMs, unit: 'Milliseconds' },
    });
    if (outcome.approved) {
      this.write(
        [
          latency,
          this.directive([['Environment']], { [METRIC_NAMES.succeeded]: { value: 1, unit: 'Count' } }),
        ],
        {},
      );
      return;
    }
    const declined = this.directive([['Environment'], ['Environment', 'DeclineCode']], {
      [METRIC_NAMES.declined]: { value: 1, unit: 'Count' },
    });
    this.write([latency, declined], { DeclineCode: outcome.code });
  }

  refund(): void {
    this.write(
      [this.directive([['Environment']], { [METRIC_NAMES.refunds]: { value: 1, unit: 'Count' } })],
      {},
    );
  }

  /** One answered API request (probes excluded): its status and whether it was an idempotent replay. */
  response(status: number, replayed: boolean): void {
    this.write(
      [
        this.directive([['Environment']], {
          [METRIC_NAMES.requests]: { value: 1, unit: 'Count' },
          [METRIC_NAMES.serverErrors]: { value: status >= 500 ? 1 : 0, unit: 'Count' },
          [METRIC_NAMES.idempotentReplays]: { value: replayed ? 1 : 0, unit: 'Count' },
        }),
      ],
      {},
    );
  }

  private directive(dimensionSets: string[][], metrics: EmfDirective['metrics']): EmfDirective {
    return { namespace: METRICS_NAMESPACE, dimensionSets, metrics };
  }

  private write(directives: EmfDirective[], dimensions: Record<string, string>): void {
    this.out.info(
      emfRecord(directives, { Environment: this.environment, ...dimensions }, this.now()),
      'metrics',
    );
  }
}
