import type { BusinessMetrics } from '../metrics/business-metrics.js';
import type {
  Acquirer,
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  RefundRequest,
  VoidRequest,
} from './acquirer.js';

/**
 * An acquirer that records its business metrics: each authorization's outcome (declines by code) and latency,
 * each refund. A call that throws did nothing (or its outcome is unknown) and is not counted.
 */
export class MeteredAcquirer implements Acquirer {
  constructor(
    private readonly inner: Acquirer,
    private readonly metrics: BusinessMetrics,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async authorize(req: AuthorizationRequest): Promise<AuthorizationResult> {
    const started = this.clock();
    const result = await this.inner.authorize(req);
    const latency = Math.round(this.clock() - started);
    this.metrics.authorization(
      result.approved ? { approved: true } : { approved: false, code: result.declineCode ?? result.code },
      latency,
    );
    return result;
  }

  capture(req: CaptureRequest): Promise<void> {
    return this.inner.capture(req);
  }

  void(req: VoidRequest): Promise<void> {
    return this.inner.void(req);
  }

  async refund(req: RefundRequest): Promise<void> {
    await this.inner.refund(req);
    this.metrics.refund();
  }
}
