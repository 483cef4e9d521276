/** What the payment API needs from a card acquirer (processor). Amounts are in the currency's minor unit. */
export interface Acquirer {
  authorize(req: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(authorizationId: string, amount: number): Promise<void>;
  void(authorizationId: string): Promise<void>;
  refund(authorizationId: string, amount: number): Promise<void>;
}

export interface AuthorizationRequest {
  amount: number;
  currency: string;
  pan: string;
  expMonth: number;
  expYear: number;
  /** Used for this call only; never stored or logged. */
  cvc?: string;
  /** Caller's unique reference for this attempt (e.g. the payment intent id); repeats are idempotent. */
  reference: string;
}

export type DeclineCode =
  'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc' | 'processing_error';

export type AuthorizationResult =
  | { approved: true; authorizationId: string }
  | { approved: false; code: DeclineCode; declineCode?: string; message: string };

export type AcquirerErrorCode =
  /** Amount, currency or reference are malformed. */
  | 'invalid_request'
  /** The authorization id is not one this acquirer issued. */
  | 'authorization_not_found'
  /** The same reference was authorized before with a different amount, currency or card. */
  | 'reference_conflict'
  /** Capture above the authorized amount. */
  | 'amount_exceeds_authorized'
  /** Capture of an authorization already captured with another amount, or void after capture. */
  | 'already_captured'
  /** Capture or void of a voided authorization. */
  | 'already_voided'
  /** Refund before capture. */
  | 'not_captured'
  /** Refund that would take the refunded total above the captured amount. */
  | 'amount_exceeds_captured';

/** Rejected operation; messages name ids and amounts only, never card data. */
export class AcquirerError extends Error {
  override readonly name = 'AcquirerError';
  constructor(
    readonly code: AcquirerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
