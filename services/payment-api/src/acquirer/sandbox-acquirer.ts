import { createHash, createHmac, randomBytes } from 'node:crypto';
import { fullExpiryYear, luhnValid } from '../vault/card-validation.js';
import { AcquirerError } from './acquirer.js';
import type { Acquirer, AuthorizationRequest, AuthorizationResult } from './acquirer.js';
import { EXPIRED_DECLINE, INCORRECT_NUMBER_DECLINE, SANDBOX_DECLINES } from './sandbox-cards.js';

export interface SandboxAcquirerOptions {
  /** Clock for the expiry check, injectable for tests. @default () => new Date() */
  readonly now?: () => Date;
}

interface AuthorizationState {
  readonly authorized: number;
  captured?: number;
  refunded: number;
  voided: boolean;
  /** Rebuilt from the id alone (issued before a restart or by another instance): history unknown. */
  readonly rebuilt: boolean;
}

const MAX_AMOUNT = 99_999_999;
const ID_PATTERN = /^sbxauth_([1-9]\d{0,7})_([a-z]{3})_[0-9a-f]{24}$/;

/**
 * In-process acquirer that behaves like Stripe's test mode for the documented test cards.
 *
 * Deterministic, no I/O. Limits (see docs/vault.md "Sandbox acquirer"):
 * - State lives in this instance's memory. The authorization id encodes the authorized amount and
 *   currency, so after a restart (or on another instance) capture and refunds stay bounded by the
 *   authorized amount, but earlier captures, voids and refunds are forgotten (a refund is then allowed
 *   up to the authorized amount, since the capture may have happened before the restart).
 * - One capture per authorization (repeating the same capture amount is a no-op, like a retried
 *   request); the uncaptured remainder is released, as with Stripe's partial capture.
 * - `reference` makes authorize idempotent: the same request returns the same result; a different
 *   request under a reference that was approved is refused, one that was declined is a new attempt.
 */
export class SandboxAcquirer implements Acquirer {
  private readonly now: () => Date;
  private readonly authorizations = new Map<string, AuthorizationState>();
  private readonly attempts = new Map<string, { digest: string; result: AuthorizationResult }>();
  /** Keys the in-memory request digests, so even this process's memory holds no unkeyed PAN hash. */
  private readonly digestKey = randomBytes(32);

  constructor(options: SandboxAcquirerOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  async authorize(req: AuthorizationRequest): Promise<AuthorizationResult> {
    const amount = checkAmount(req.amount);
    const currency = checkCurrency(req.currency);
    if (typeof req.reference !== 'string' || req.reference === '' || req.reference.length > 255) {
      throw new AcquirerError(
        'invalid_request',
        'reference must be a non-empty string of at most 255 characters',
      );
    }
    const digest = createHmac('sha256', this.digestKey)
      .update(JSON.stringify([amount, currency, req.pan, req.expMonth, req.expYear]))
      .digest('hex');
    const previous = this.attempts.get(req.reference);
    if (previous !== undefined) {
      if (previous.digest === digest) return { ...previous.result };
      if (previous.result.approved) {
        throw new AcquirerError(
          'reference_conflict',
          `reference ${req.reference} was already approved for a different amount, currency or card`,
        );
      }
    }
    const result = this.decide(req, amount, currency);
    this.attempts.set(req.reference, { digest, result });
    if (result.approved) {
      this.authorizations.set(result.authorizationId, {
        authorized: amount,
        refunded: 0,
        voided: false,
        rebuilt: false,
      });
    }
    return { ...result };
  }

  async capture(authorizationId: string, amount: number): Promise<void> {
    const auth = this.lookup(authorizationId);
    const value = checkAmount(amount);
    if (auth.voided) throw new AcquirerError('already_voided', `authorization ${authorizationId} was voided`);
    if (auth.captured === undefined && auth.refunded > 0) {
      throw new AcquirerError(
        'already_captured',
        `authorization ${authorizationId} was captured before it was refunded`,
      );
    }
    if (auth.captured !== undefined) {
      if (auth.captured === value) return;
      throw new AcquirerError(
        'already_captured',
        `authorization ${authorizationId} was already captured for ${auth.captured}; it cannot be captured again for ${value}`,
      );
    }
    if (value > auth.authorized) {
      throw new AcquirerError(
        'amount_exceeds_authorized',
        `capture of ${value} exceeds the ${auth.authorized} authorized on ${authorizationId}`,
      );
    }
    auth.captured = value;
  }

  async void(authorizationId: string): Promise<void> {
    const auth = this.lookup(authorizationId);
    if (auth.voided)
      throw new AcquirerError('already_voided', `authorization ${authorizationId} was already voided`);
    if (auth.captured !== undefined) {
      throw new AcquirerError(
        'already_captured',
        `authorization ${authorizationId} was captured; refund it instead of voiding it`,
      );
    }
    auth.voided = true;
  }

  async refund(authorizationId: string, amount: number): Promise<void> {
    const auth = this.lookup(authorizationId);
    const value = checkAmount(amount);
    if (auth.voided) throw new AcquirerError('already_voided', `authorization ${authorizationId} was voided`);
    // A rebuilt authorization may have been captured before the restart; the authorized amount bounds it.
    const captured = auth.captured ?? (auth.rebuilt ? auth.authorized : undefined);
    if (captured === undefined) {
      throw new AcquirerError('not_captured', `authorization ${authorizationId} has not been captured`);
    }
    if (auth.refunded + value > captured) {
      throw new AcquirerError(
        'amount_exceeds_captured',
        `refund of ${value} on ${authorizationId} would bring refunds to ${auth.refunded + value}, above the ${captured} captured`,
      );
    }
    auth.refunded += value;
  }

  private decide(req: AuthorizationRequest, amount: number, currency: string): AuthorizationResult {
    const pan = req.pan;
    if (typeof pan !== 'string' || !/^\d{12,19}$/.test(pan) || !luhnValid(pan))
      return INCORRECT_NUMBER_DECLINE;
    const decline = SANDBOX_DECLINES[pan];
    if (decline !== undefined) return decline;
    if (this.isExpired(req.expMonth, req.expYear)) return EXPIRED_DECLINE;
    const suffix = createHash('sha256')
      .update(JSON.stringify([req.reference, amount, currency]))
      .digest('hex')
      .slice(0, 24);
    return { approved: true, authorizationId: `sbxauth_${amount}_${currency}_${suffix}` };
  }

  private isExpired(month: number, year: number): boolean {
    const fullYear = fullExpiryYear(year);
    if (fullYear === undefined || !Number.isInteger(month) || month < 1 || month > 12) return true;
    const now = this.now();
    const nowYear = now.getUTCFullYear();
    return fullYear < nowYear || (fullYear === nowYear && month < now.getUTCMonth() + 1);
  }

  private lookup(authorizationId: string): AuthorizationState {
    const known = this.authorizations.get(authorizationId);
    if (known !== undefined) return known;
    const match = typeof authorizationId === 'string' ? ID_PATTERN.exec(authorizationId) : null;
    if (match === null) {
      throw new AcquirerError(
        'authorization_not_found',
        `no sandbox authorization ${String(authorizationId)}`,
      );
    }
    // Issued before a restart or by another instance: the id still carries the authorized amount.
    const state: AuthorizationState = {
      authorized: Number(match[1]),
      refunded: 0,
      voided: false,
      rebuilt: true,
    };
    this.authorizations.set(authorizationId, state);
    return state;
  }
}

function checkAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new AcquirerError(
      'invalid_request',
      `amount must be an integer from 1 to ${MAX_AMOUNT} in the currency's minor unit, got ${String(amount)}`,
    );
  }
  return amount;
}

function checkCurrency(currency: string): string {
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency)) {
    throw new AcquirerError(
      'invalid_request',
      `currency must be a three-letter ISO code, got ${String(currency)}`,
    );
  }
  return currency.toLowerCase();
}
