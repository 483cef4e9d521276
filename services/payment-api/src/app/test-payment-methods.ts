/**
 * Stripe's test-mode payment method and token ids (https://docs.stripe.com/testing): each names a test card
 * number. Using one creates a new payment method of that card, as Stripe does, so integration code and
 * test suites written against Stripe's test mode run unchanged. Only cards the sandbox acquirer models are
 * listed; every key here is a test-mode credential, there is no live mode.
 */
const BRANDS: Readonly<Record<string, string>> = {
  visa: '4242424242424242',
  visa_debit: '4000056655665556',
  mastercard: '5555555555554444',
  mastercard_debit: '5200828282828210',
  mastercard_prepaid: '5105105105105100',
  amex: '378282246310005',
  discover: '6011111111111117',
  diners: '3056930009020004',
  jcb: '3566002020360505',
  unionpay: '6200000000000005',
};

const OUTCOMES: Readonly<Record<string, string>> = {
  chargeDeclined: '4000000000000002',
  visa_chargeDeclined: '4000000000000002',
  chargeDeclinedInsufficientFunds: '4000000000009995',
  visa_chargeDeclinedInsufficientFunds: '4000000000009995',
  chargeDeclinedLostCard: '4000000000009987',
  visa_chargeDeclinedLostCard: '4000000000009987',
  chargeDeclinedStolenCard: '4000000000009979',
  visa_chargeDeclinedStolenCard: '4000000000009979',
  chargeDeclinedExpiredCard: '4000000000000069',
  chargeDeclinedIncorrectCvc: '4000000000000127',
  chargeDeclinedProcessingError: '4000000000000119',
  cvcCheckFail: '4000000000000101',
  authenticationRequired: '4000002760003184',
  authenticationRequiredOnSetup: '4000002500003155',
  threeDSecure2Required: '4000000000003220',
  threeDSecureOptional: '4000000000003055',
};

const ALL: Readonly<Record<string, string>> = { ...BRANDS, ...OUTCOMES };

/** The test card number a `pm_card_*` id names; null for any other id. */
export function testPaymentMethodNumber(id: string): string | null {
  return id.startsWith('pm_card_') ? (ALL[id.slice('pm_card_'.length)] ?? null) : null;
}

/** The test card number a Stripe test token (`tok_visa`, `tok_chargeDeclined`, …) names; null otherwise. */
export function testTokenNumber(id: string): string | null {
  return id.startsWith('tok_') ? (ALL[id.slice('tok_'.length)] ?? null) : null;
}

/** Every test id, for the docs and the tests. */
export const TEST_CARD_NAMES: readonly string[] = Object.keys(ALL);

/** The expiry given to test cards: December, three years ahead (always valid, as Stripe's are). */
export function testCardExpiry(now = new Date()) {
  return { exp_month: 12, exp_year: now.getUTCFullYear() + 3 };
}
