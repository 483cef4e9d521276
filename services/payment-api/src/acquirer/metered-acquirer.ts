import type { BusinessMetrics } from '../metrics/business-metrics.js';
import type {
  Acquirer,
  AuthenticationDecision,
  AuthenticationRequest,
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
  /** 3D Secure passes through unmetered, and only when the wrapped acquirer has it (no 3DS otherwise). */
  readonly authentication?: (req: AuthenticationRequest) => Promise<AuthenticationDecision>;

  constructor(
    private readonly inner: Acquirer,
    private readonly metrics: BusinessMetrics,
    private readonly clock: () => number = () => performance.now(),
  ) {
    const authentication = inner.authentication?.bind(inner);
    if (authentication) this.authentication = authentication;
  }

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
