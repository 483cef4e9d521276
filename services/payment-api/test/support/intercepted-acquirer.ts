import type {
  Acquirer,
  AuthorizationRequest,
  CaptureRequest,
  RefundRequest,
  VoidRequest,
} from '../../src/acquirer/index.js';

export type AcquirerOperation = 'authorize' | 'capture' | 'void' | 'refund';

/**
 * An acquirer that runs `after[operation]` once that operation has answered — to break the database right
 * after the acquirer acted — and records every call with whether a CVC came with it (never the CVC).
 */
export class InterceptedAcquirer implements Acquirer {
  readonly after: Partial<Record<AcquirerOperation, () => void>> = {};
  readonly calls: { operation: AcquirerOperation; reference: string; cvcSent?: boolean }[] = [];

  constructor(private readonly inner: Acquirer) {}

  private async intercept<T>(operation: AcquirerOperation, run: () => Promise<T>): Promise<T> {
    const result = await run();
    this.after[operation]?.();
    return result;
  }

  authorize(req: AuthorizationRequest) {
    this.calls.push({ operation: 'authorize', reference: req.reference, cvcSent: req.cvc !== undefined });
    return this.intercept('authorize', () => this.inner.authorize(req));
  }

  capture(req: CaptureRequest) {
    this.calls.push({ operation: 'capture', reference: req.reference });
    return this.intercept('capture', () => this.inner.capture(req));
  }

  void(req: VoidRequest) {
    this.calls.push({ operation: 'void', reference: req.reference });
    return this.intercept('void', () => this.inner.void(req));
  }

  refund(req: RefundRequest) {
    this.calls.push({ operation: 'refund', reference: req.reference });
    return this.intercept('refund', () => this.inner.refund(req));
  }
}
