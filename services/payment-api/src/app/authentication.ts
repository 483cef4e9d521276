import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServiceKeys } from '../secrets.js';
import { findPaymentIntentForChallenge } from '../store/payment-intent-store.js';
import { findPaymentMethod } from '../store/payment-method-store.js';
import type { PaymentIntentRecord } from '../store/records.js';
import type { Deps } from './deps.js';

/**
 * The simulated 3D Secure challenge page (ADR 0027). The page is opened by the cardholder's browser, which
 * has no API key: its link carries a capability, an HMAC of the intent and challenge ids under a service
 * key — nothing secret is stored, and a new challenge (a new confirmation) makes the old link useless.
 */
export const CHALLENGE_PATH = '/3ds/challenge';

export function challengeSecret(keys: ServiceKeys, intentId: string, challenge: string): string {
  return createHmac('sha256', keys.challengeSignature).update(`${intentId}:${challenge}`).digest('base64url');
}

export function challengeUrl(origin: string | undefined, intentId: string, secret: string): string {
  return `${origin ?? ''}${CHALLENGE_PATH}/${intentId}?secret=${secret}`;
}

/** Whether `given` is the capability of the intent's current challenge (compared in constant time). */
export function validChallengeSecret(
  keys: ServiceKeys,
  intentId: string,
  challenge: string | null,
  given: string,
): boolean {
  if (challenge === null) return false;
  const expected = Buffer.from(challengeSecret(keys, intentId, challenge));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** An absolute http(s) URL, as Stripe requires of return_url; null when it is not one. */
export function parseReturnUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** What the challenge page shows and acts on: the intent whose current challenge the capability names. */
export interface Challenge {
  readonly intent: PaymentIntentRecord;
  /** Brand and last4 of the card being authenticated. */
  readonly card: string;
  readonly pending: boolean;
}

/** The challenge a page link names; null when the link is not (or no longer) valid. */
export async function findChallenge(deps: Deps, intentId: string, secret: string): Promise<Challenge | null> {
  const intent = await findPaymentIntentForChallenge(deps.db, intentId);
  if (!intent || !validChallengeSecret(deps.keys, intent.id, intent.authenticationChallenge, secret)) {
    return null;
  }
  const pm = intent.paymentMethodId
    ? await findPaymentMethod(deps.db, intent.merchantId, intent.paymentMethodId)
    : null;
  return {
    intent,
    card: pm ? `${pm.brand} •••• ${pm.last4}` : 'unknown',
    pending: intent.status === 'requires_action' && intent.authentication === 'pending',
  };
}

/** Where the page sends the cardholder after the answer: return_url with Stripe's query parameters. */
export function returnUrlFor(intent: PaymentIntentRecord, succeeded: boolean): string | null {
  if (!intent.returnUrl) return null;
  const url = new URL(intent.returnUrl);
  url.searchParams.set('payment_intent', intent.id);
  url.searchParams.set('payment_intent_client_secret', intent.clientSecret);
  url.searchParams.set('redirect_status', succeeded ? 'succeeded' : 'failed');
  return url.toString();
}
