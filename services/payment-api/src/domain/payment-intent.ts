import { DomainError } from './errors.js';
import type { Currency } from './currency.js';
import { NO_FEES, processingFee, type FeeSchedule } from './fees.js';
import {
  authorizationEntry,
  captureEntry,
  refundEntry,
  releaseEntry,
  saleEntry,
  type LedgerEntry,
} from './ledger.js';

/** Largest amount a single payment may carry, in the currency's minor unit (Stripe's 8-digit limit). */
export const MAX_AMOUNT = 99_999_999;

/** Stripe's PaymentIntent statuses (requires_action and processing are never entered by card payments here). */
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'canceled',
] as const;
export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

export type CaptureMethod = 'automatic' | 'manual';
export const CANCELLATION_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'abandoned',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export type EventType =
  | 'payment_intent.created'
  | 'payment_intent.requires_action'
  | 'payment_intent.amount_capturable_updated'
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.canceled'
  | 'charge.succeeded'
  | 'charge.captured'
  | 'charge.failed'
  | 'charge.refunded'
  | 'refund.created';

export interface PaymentError {
  readonly code: string;
  readonly declineCode: string | null;
  readonly message: string;
}

export interface PaymentIntentState {
  readonly status: PaymentIntentStatus;
  readonly amount: number;
  readonly currency: Currency;
  readonly captureMethod: CaptureMethod;
  readonly paymentMethodId: string | null;
  readonly amountCapturable: number;
  readonly amountReceived: number;
  readonly amountRefunded: number;
  readonly lastPaymentError: PaymentError | null;
  readonly cancellationReason: CancellationReason | null;
  /** 3D Secure of the current confirmation: null when none was asked for (ADR 0027). */
  readonly authentication?: AuthenticationState | null;
}

export type AuthenticationState = 'pending' | 'succeeded' | 'failed';

/** The result of a transition: the next state plus the ledger entries and events to write with it. */
export interface Transition {
  readonly next: PaymentIntentState;
  readonly entries: readonly LedgerEntry[];
  readonly events: readonly EventType[];
}

export function createPaymentIntent(input: {
  amount: number;
  currency: Currency;
  captureMethod: CaptureMethod;
  paymentMethodId: string | null;
}): PaymentIntentState {
  return {
    status: input.paymentMethodId ? 'requires_confirmation' : 'requires_payment_method',
    amount: input.amount,
    currency: input.currency,
    captureMethod: input.captureMethod,
    paymentMethodId: input.paymentMethodId,
    amountCapturable: 0,
    amountReceived: 0,
    amountRefunded: 0,
    lastPaymentError: null,
    cancellationReason: null,
  };
}

function unexpectedState(
  pi: PaymentIntentState,
  action: string,
  allowed: readonly PaymentIntentStatus[],
): DomainError {
  return new DomainError(
    'payment_intent_unexpected_state',
    `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}. ` +
      `Only a PaymentIntent with one of the following statuses may be ${action === 'capture' ? 'captured' : action === 'cancel' ? 'canceled' : 'confirmed'}: ${allowed.join(', ')}.`,
  );
}

const CONFIRMABLE: readonly PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation'];

/** An intent may be confirmed before a confirmation, and in requires_action once the cardholder authenticated. */
function confirmable(pi: PaymentIntentState): boolean {
  return (
    CONFIRMABLE.includes(pi.status) || (pi.status === 'requires_action' && pi.authentication === 'succeeded')
  );
}

/** Checks that the intent can be confirmed with the given payment method (attached or newly supplied). */
export function prepareConfirm(pi: PaymentIntentState, paymentMethodId: string | null): PaymentIntentState {
  if (!confirmable(pi)) throw unexpectedState(pi, 'confirm', CONFIRMABLE);
  const pm = paymentMethodId ?? pi.paymentMethodId;
  if (!pm) {
    throw new DomainError(
      'payment_intent_unexpected_state',
      'You cannot confirm this PaymentIntent because it is missing a payment method. Provide a payment_method.',
      'payment_method',
    );
  }
  return { ...pi, paymentMethodId: pm };
}

export type AuthorizationOutcome = { approved: true } | { approved: false; error: PaymentError };

/**
 * Applies the acquirer's answer to a confirm. Automatic capture captures the full amount at once, less the
 * merchant's processing fee.
 */
export function applyAuthorization(
  pi: PaymentIntentState,
  outcome: AuthorizationOutcome,
  fees: FeeSchedule = NO_FEES,
): Transition {
  if (!confirmable(pi) || !pi.paymentMethodId) throw unexpectedState(pi, 'confirm', CONFIRMABLE);
  if (!outcome.approved) {
    return {
      next: { ...pi, status: 'requires_payment_method', lastPaymentError: outcome.error },
      entries: [],
      events: ['charge.failed', 'payment_intent.payment_failed'],
    };
  }
  if (pi.captureMethod === 'automatic') {
    return {
      next: {
        ...pi,
        status: 'succeeded',
        amountCapturable: 0,
        amountReceived: pi.amount,
        lastPaymentError: null,
      },
      entries: [saleEntry(pi.amount, pi.currency, processingFee(pi.amount, fees))],
      events: ['charge.succeeded', 'payment_intent.succeeded'],
    };
  }
  return {
    next: { ...pi, status: 'requires_capture', amountCapturable: pi.amount, lastPaymentError: null },
    entries: [authorizationEntry(pi.amount, pi.currency)],
    events: ['charge.succeeded', 'payment_intent.amount_capturable_updated'],
  };
}

/**
 * The issuer asks the cardholder to authenticate (3D Secure challenge): the intent waits in requires_action
 * with nothing authorized and nothing posted.
 */
export function requireAuthentication(pi: PaymentIntentState): Transition {
  if (!CONFIRMABLE.includes(pi.status) || !pi.paymentMethodId)
    throw unexpectedState(pi, 'confirm', CONFIRMABLE);
  return {
    next: { ...pi, status: 'requires_action', lastPaymentError: null, authentication: 'pending' },
    entries: [],
    events: ['payment_intent.requires_action'],
  };
}

export const AUTHENTICATION_FAILURE: PaymentError = {
  code: 'payment_intent_authentication_failure',
  declineCode: null,
  message:
    'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new ' +
    'PaymentMethod to attempt to fulfill this PaymentIntent again.',
};

/** The outcome of a challenge: approved, the intent may be authorized; failed, it needs a new payment method. */
export function completeAuthentication(
  pi: PaymentIntentState,
  approved: boolean,
): PaymentIntentState | Transition {
  if (pi.status !== 'requires_action' || pi.authentication !== 'pending') {
    throw new DomainError(
      'payment_intent_unexpected_state',
      `This PaymentIntent has no pending authentication (its status is ${pi.status}).`,
    );
  }
  if (approved) return { ...pi, authentication: 'succeeded' };
  return {
    next: {
      ...pi,
      status: 'requires_payment_method',
      lastPaymentError: AUTHENTICATION_FAILURE,
      authentication: 'failed',
    },
    entries: [],
    events: ['payment_intent.payment_failed'],
  };
}

/** Captures all or part of an authorization (less the processing fee); the uncaptured remainder is released. */
export function capture(
  pi: PaymentIntentState,
  amountToCapture?: number,
  fees: FeeSchedule = NO_FEES,
): Transition {
  if (pi.status !== 'requires_capture') throw unexpectedState(pi, 'capture', ['requires_capture']);
  const amount = amountToCapture ?? pi.amountCapturable;
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new DomainError(
      'parameter_invalid_integer',
      'amount_to_capture must be a positive integer.',
      'amount_to_capture',
    );
  }
  if (amount > pi.amountCapturable) {
    throw new DomainError(
      'amount_too_large',
      `The amount_to_capture (${amount}) is greater than the amount capturable (${pi.amountCapturable}).`,
      'amount_to_capture',
    );
  }
  return {
    next: { ...pi, status: 'succeeded', amountCapturable: 0, amountReceived: amount },
    entries: [captureEntry(pi.amountCapturable, amount, pi.currency, processingFee(amount, fees))],
    events: ['charge.captured', 'payment_intent.succeeded'],
  };
}

const CANCELABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
];

export function cancel(pi: PaymentIntentState, reason: CancellationReason | null): Transition {
  if (!CANCELABLE.includes(pi.status)) throw unexpectedState(pi, 'cancel', CANCELABLE);
  const entries = pi.status === 'requires_capture' ? [releaseEntry(pi.amountCapturable, pi.currency)] : [];
  return {
    next: { ...pi, status: 'canceled', amountCapturable: 0, cancellationReason: reason },
    entries,
    events: ['payment_intent.canceled'],
  };
}

/** A refund of `amount` (default: everything not yet refunded); the total never exceeds what was captured. */
export function refund(pi: PaymentIntentState, amount?: number): Transition & { amount: number } {
  if (pi.status !== 'succeeded') {
    throw new DomainError(
      'charge_not_refundable',
      `This PaymentIntent has a status of ${pi.status}; only succeeded PaymentIntents can be refunded.`,
      'payment_intent',
    );
  }
  const refundable = pi.amountReceived - pi.amountRefunded;
  if (refundable <= 0) {
    throw new DomainError(
      'charge_already_refunded',
      'This PaymentIntent has already been refunded in full.',
      'payment_intent',
    );
  }
  const value = amount ?? refundable;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new DomainError('parameter_invalid_integer', 'amount must be a positive integer.', 'amount');
  }
  if (value > refundable) {
    throw new DomainError(
      'amount_too_large',
      `Refund amount (${value}) is greater than the unrefunded amount on the PaymentIntent (${refundable}).`,
      'amount',
    );
  }
  return {
    amount: value,
    next: { ...pi, amountRefunded: pi.amountRefunded + value },
    entries: [refundEntry(value, pi.currency)],
    events: ['refund.created', 'charge.refunded'],
  };
}
