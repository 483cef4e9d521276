/**
 * What the payment API needs from a card acquirer (processor). Amounts are in the currency's minor unit.
 *
 * Every operation carries the caller's `reference`, stable across retries of one request (real acquirers
 * deduplicate on it: Stripe's idempotency key, Adyen's merchant reference): the same reference with the same
 * request returns the original result and never acts twice; the same reference with another request is
 * refused (`reference_conflict`). A refused operation (an {@link AcquirerError}) did nothing and is not
 * remembered, so its reference may be used again.
 */
export interface Acquirer {
  authorize(req: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(req: CaptureRequest): Promise<void>;
  void(req: VoidRequest): Promise<void>;
  refund(req: RefundRequest): Promise<void>;
  /**
   * 3D Secure: whether the issuer wants the cardholder to authenticate this payment before it is authorized
   * (a challenge), or refuses it because it needs authentication the cardholder is not there to give
   * (off-session). An acquirer without 3D Secure leaves it out: no payment is challenged.
   */
  authentication?(req: AuthenticationRequest): Promise<AuthenticationDecision>;
}

export interface AuthenticationRequest {
  pan: string;
  amount: number;
  currency: string;
  /** The cardholder is not present (a saved card charged later). */
  offSession: boolean;
  /** The card was saved to a customer (set up for later payments). */
  saved: boolean;
}

/** `none`: authorize at once (no 3DS, or frictionless); `challenge`: the cardholder must authenticate first. */
export type AuthenticationDecision = 'none' | 'challenge' | 'required_off_session';

export interface AuthorizationRequest {
  amount: number;
  currency: string;
  pan: string;
  expMonth: number;
  expYear: number;
  /** Used for this call only; never stored or logged. */
  cvc?: string;
  /** Caller's reference for this authorization attempt (the charge id); see {@link Acquirer}. */
  reference: string;
}

export interface CaptureRequest {
  authorizationId: string;
  amount: number;
  reference: string;
}

export interface VoidRequest {
  authorizationId: string;
  reference: string;
}

export interface RefundRequest {
  authorizationId: string;
  amount: number;
  reference: string;
}

export type DeclineCode =
  'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc' | 'processing_error';

/**
 * The issuer's verdict on the CVC, as Stripe reports it in `payment_method_details.card.checks.cvc_check`;
 * null when no CVC was sent.
 */
export type CvcCheck = 'pass' | 'fail' | 'unavailable' | 'unchecked';

export type AuthorizationResult =
  | { approved: true; authorizationId: string; cvcCheck: CvcCheck | null }
  | {
      approved: false;
      code: DeclineCode;
      declineCode?: string;
      message: string;
      cvcCheck: CvcCheck | null;
    };

export type AcquirerErrorCode =
  /** Amount, currency or reference are malformed. */
  | 'invalid_request'
  /** The authorization id is not one this acquirer issued. */
  | 'authorization_not_found'
  /** The reference was used before for another operation or request. */
  | 'reference_conflict'
  /** Capture above the authorized amount. */
  | 'amount_exceeds_authorized'
  /** Second capture of an authorization, or void after capture. */
  | 'already_captured'
  /** Capture or void of a voided authorization. */
  | 'already_voided'
  /** Refund before capture. */
  | 'not_captured'
  /** Refund that would take the refunded total above the captured amount. */
  | 'amount_exceeds_captured';

/** Rejected operation: nothing happened. Messages name ids and amounts only, never card data. */
export class AcquirerError extends Error {
  override readonly name = 'AcquirerError';
  constructor(
    readonly code: AcquirerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
