import { createHash, createHmac, randomBytes } from 'node:crypto';
import { fullExpiryYear, luhnValid } from '../vault/card-validation.js';
import { AcquirerError } from './acquirer.js';
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
import {
  CVC_CHECK_FAILS,
  cvcCheckFor,
  EXPIRED_DECLINE,
  INCORRECT_CVC_DECLINE,
  INCORRECT_NUMBER_DECLINE,
  SANDBOX_DECLINES,
  THREE_D_SECURE,
} from './sandbox-cards.js';

export interface SandboxAcquirerOptions {
  /** Clock for the expiry check, injectable for tests. @default () => new Date() */
  readonly now?: () => Date;
}

/** One operation the sandbox performed (a replay under a known reference adds none): its settlement report. */
export interface SandboxEffect {
  readonly kind: 'authorize' | 'capture' | 'void' | 'refund';
  readonly reference: string;
  readonly authorizationId: string | null;
  readonly amount: number | null;
  /** Whether a CVC came with an authorization (never the CVC itself). */
  readonly cvcSent?: boolean;
}

interface AuthorizationState {
  readonly authorized: number;
  captured?: number;
  refunded: number;
  voided: boolean;
  /** Rebuilt from the id alone (issued before a restart or by another instance): history unknown. */
  readonly rebuilt: boolean;
}

/** What a reference was used for: the request's digest and the result to return to a repeat. */
interface Performed {
  readonly digest: string;
  readonly result?: AuthorizationResult;
}

const MAX_AMOUNT = 99_999_999;
const ID_PATTERN = /^sbxauth_([1-9]\d{0,7})_([a-z]{3})_[0-9a-f]{24}$/;

/**
 * In-process acquirer that behaves like Stripe's test mode for the documented test cards, and like a real
 * acquirer for references: the same reference never authorizes, captures, voids or refunds twice — a
 * repeat of the same request returns the original result, another request under it is `reference_conflict`
 * — and a refused operation is not remembered.
 *
 * Deterministic, no I/O. Limits (see docs/vault.md "Sandbox acquirer"):
 * - State lives in this instance's memory. The authorization id encodes the authorized amount and
 *   currency, so after a restart (or on another instance) capture and refunds stay bounded by the
 *   authorized amount, but earlier captures, voids, refunds and references are forgotten (a refund is then
 *   allowed up to the authorized amount, since the capture may have happened before the restart).
 * - One capture per authorization; the uncaptured remainder is released, as with Stripe's partial capture.
 */
export class SandboxAcquirer implements Acquirer {
  private readonly now: () => Date;
  private readonly authorizations = new Map<string, AuthorizationState>();
  private readonly references = new Map<string, Performed>();
  private readonly performed: SandboxEffect[] = [];
  /** Keys the in-memory request digests, so even this process's memory holds no unkeyed PAN hash. */
  private readonly digestKey = randomBytes(32);

  constructor(options: SandboxAcquirerOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  /** Every operation performed, in order (replays excluded). */
  effects(): readonly SandboxEffect[] {
    return [...this.performed];
  }

  async authorize(req: AuthorizationRequest): Promise<AuthorizationResult> {
    const amount = checkAmount(req.amount);
    const currency = checkCurrency(req.currency);
    const reference = checkReference(req.reference);
    // The CVC is not part of the request's identity: a retry no longer has it (it is deleted once sent).
    const digest = this.digest(['authorize', amount, currency, req.pan, req.expMonth, req.expYear]);
    const previous = this.repeat(reference, digest);
    if (previous) return { ...(previous.result as AuthorizationResult) };
    const result = this.decide(req, amount, currency);
    this.references.set(reference, { digest, result });
    this.performed.push({
      kind: 'authorize',
      reference,
      authorizationId: result.approved ? result.authorizationId : null,
      amount,
      cvcSent: req.cvc !== undefined,
    });
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

  async authentication(req: AuthenticationRequest): Promise<AuthenticationDecision> {
    const rule = THREE_D_SECURE[req.pan];
    if (!rule) return 'none';
    if (!req.offSession) return 'challenge';
    return rule === 'onSession' && req.saved ? 'none' : 'required_off_session';
  }

  async capture(req: CaptureRequest): Promise<void> {
    const value = checkAmount(req.amount);
    await this.perform('capture', req.reference, req.authorizationId, value, (auth) => {
      if (auth.voided)
        throw new AcquirerError('already_voided', `authorization ${req.authorizationId} was voided`);
      if (auth.captured !== undefined || auth.refunded > 0) {
        throw new AcquirerError(
          'already_captured',
          `authorization ${req.authorizationId} was already captured; it cannot be captured again for ${value}`,
        );
      }
      if (value > auth.authorized) {
        throw new AcquirerError(
          'amount_exceeds_authorized',
          `capture of ${value} exceeds the ${auth.authorized} authorized on ${req.authorizationId}`,
        );
      }
      auth.captured = value;
    });
  }

  async void(req: VoidRequest): Promise<void> {
    await this.perform('void', req.reference, req.authorizationId, null, (auth) => {
      if (auth.voided) {
        throw new AcquirerError('already_voided', `authorization ${req.authorizationId} was already voided`);
      }
      if (auth.captured !== undefined) {
        throw new AcquirerError(
          'already_captured',
          `authorization ${req.authorizationId} was captured; refund it instead of voiding it`,
        );
      }
      auth.voided = true;
    });
  }

  async refund(req: RefundRequest): Promise<void> {
    const value = checkAmount(req.amount);
    await this.perform('refund', req.reference, req.authorizationId, value, (auth) => {
      if (auth.voided)
        throw new AcquirerError('already_voided', `authorization ${req.authorizationId} was voided`);
      // A rebuilt authorization may have been captured before the restart; the authorized amount bounds it.
      const captured = auth.captured ?? (auth.rebuilt ? auth.authorized : undefined);
      if (captured === undefined) {
        throw new AcquirerError('not_captured', `authorization ${req.authorizationId} has not been captured`);
      }
      if (auth.refunded + value > captured) {
        throw new AcquirerError(
          'amount_exceeds_captured',
          `refund of ${value} on ${req.authorizationId} would bring refunds to ${auth.refunded + value}, above the ${captured} captured`,
        );
      }
      auth.refunded += value;
    });
  }

  /** Applies an operation on an authorization once per reference; a repeat of the same request is a no-op. */
  private async perform(
    kind: 'capture' | 'void' | 'refund',
    rawReference: string,
    authorizationId: string,
    amount: number | null,
    apply: (auth: AuthorizationState) => void,
  ): Promise<void> {
    const reference = checkReference(rawReference);
    const digest = this.digest([kind, authorizationId, amount]);
    if (this.repeat(reference, digest)) return;
    apply(this.lookup(authorizationId));
    this.references.set(reference, { digest });
    this.performed.push({ kind, reference, authorizationId, amount });
  }

  /** What a reference already did for this very request; a conflict when it served another request. */
  private repeat(reference: string, digest: string): Performed | undefined {
    const previous = this.references.get(reference);
    if (previous === undefined) return undefined;
    if (previous.digest !== digest) {
      throw new AcquirerError(
        'reference_conflict',
        `reference ${reference} was already used for another operation, amount, currency or card`,
      );
    }
    return previous;
  }

  private digest(parts: readonly unknown[]): string {
    return createHmac('sha256', this.digestKey).update(JSON.stringify(parts)).digest('hex');
  }

  private decide(req: AuthorizationRequest, amount: number, currency: string): AuthorizationResult {
    const pan = req.pan;
    const decline =
      typeof pan !== 'string' || !/^\d{12,19}$/.test(pan) || !luhnValid(pan)
        ? INCORRECT_NUMBER_DECLINE
        : (SANDBOX_DECLINES[pan] ??
          (this.isExpired(req.expMonth, req.expYear)
            ? EXPIRED_DECLINE
            : pan === CVC_CHECK_FAILS && req.cvc !== undefined
              ? INCORRECT_CVC_DECLINE
              : null));
    const cvcCheck = req.cvc === undefined ? null : cvcCheckFor(pan, decline);
    if (decline !== null) return { ...decline, cvcCheck };
    const suffix = createHash('sha256')
      .update(JSON.stringify([req.reference, amount, currency]))
      .digest('hex')
      .slice(0, 24);
    return { approved: true, authorizationId: `sbxauth_${amount}_${currency}_${suffix}`, cvcCheck };
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

function checkReference(reference: string): string {
  if (typeof reference !== 'string' || reference === '' || reference.length > 255) {
    throw new AcquirerError(
      'invalid_request',
      'reference must be a non-empty string of at most 255 characters',
    );
  }
  return reference;
}
