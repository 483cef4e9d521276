import type { AuthorizationResult, CvcCheck } from './acquirer.js';

/** A decline as the issuer gives it; the CVC check is added from whether a CVC was sent. */
type Decline = Omit<Extract<AuthorizationResult, { approved: false }>, 'cvcCheck'>;

const GENERIC_DECLINE: Decline = {
  approved: false,
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

/**
 * Stripe's documented test card numbers that do not approve, with the outcome Stripe's API gives
 * (https://docs.stripe.com/testing). Every other Luhn-valid number approves.
 */
export const SANDBOX_DECLINES: Readonly<Record<string, Decline>> = {
  '4000000000000002': GENERIC_DECLINE,
  '4000000000009995': {
    approved: false,
    code: 'insufficient_funds',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  '4000000000009987': {
    approved: false,
    code: 'card_declined',
    declineCode: 'lost_card',
    message: 'Your card was declined.',
  },
  '4000000000009979': {
    approved: false,
    code: 'card_declined',
    declineCode: 'stolen_card',
    message: 'Your card was declined.',
  },
  '4000000000000069': {
    approved: false,
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
  },
  '4000000000000127': {
    approved: false,
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  '4000000000000119': {
    approved: false,
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
};

export const INCORRECT_NUMBER_DECLINE: Decline = {
  approved: false,
  code: 'card_declined',
  declineCode: 'incorrect_number',
  message: 'Your card number is incorrect.',
};

export const EXPIRED_DECLINE: Decline = SANDBOX_DECLINES['4000000000000069'] as Decline;

export const INCORRECT_CVC_DECLINE: Decline = SANDBOX_DECLINES['4000000000000127'] as Decline;

/** Stripe's card that approves without a CVC and, when a CVC is entered, fails the check and declines. */
export const CVC_CHECK_FAILS = '4000000000000101';

/**
 * The CVC check reported with a result when a CVC was sent (Stripe's `cvc_check`): the incorrect-CVC cards
 * fail it, a processing error leaves it `unavailable`, a decline before the issuer looked at it (invalid
 * number, expired card) leaves it `unchecked`, every other answer passes it.
 */
export function cvcCheckFor(pan: string, decline: Decline | null): CvcCheck {
  if (decline === INCORRECT_CVC_DECLINE) return 'fail';
  if (decline?.code === 'processing_error') return 'unavailable';
  if (decline === INCORRECT_NUMBER_DECLINE || decline === EXPIRED_DECLINE) return 'unchecked';
  return pan === CVC_CHECK_FAILS ? 'fail' : 'pass';
}

/**
 * Stripe's 3D Secure test cards (https://docs.stripe.com/testing#regulatory-cards): `always` ask for a
 * challenge, even for a saved card off-session (then the payment fails with authentication_required);
 * `onSession` ask for one unless a saved card is charged off-session. Every other card — the frictionless
 * 4000000000003055 and 4000000000003063 too — needs none.
 */
export const THREE_D_SECURE: Readonly<Record<string, 'always' | 'onSession'>> = {
  '4000002760003184': 'always',
  '4000000000003220': 'always',
  '4000002500003155': 'onSession',
};
