import type { CurrencyBalance } from '../store/ledger-store.js';
import type { PaymentIntentRecord, PaymentMethodRecord, RefundRecord } from '../store/records.js';
import type { Rendered } from './context.js';

/** Stripe object shapes. Only brand, last4, expiry and fingerprint of a card are ever exposed. */
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export function paymentMethodObject(pm: PaymentMethodRecord) {
  return {
    id: pm.id,
    object: 'payment_method',
    type: 'card',
    billing_details: pm.billingDetails,
    card: {
      brand: pm.brand,
      last4: pm.last4,
      exp_month: pm.expMonth,
      exp_year: pm.expYear,
      fingerprint: pm.fingerprint,
      funding: 'unknown',
      country: null,
    },
    created: unix(pm.created),
    customer: pm.customerId,
    livemode: false,
    metadata: pm.metadata,
  };
}

export function paymentIntentObject(pi: PaymentIntentRecord) {
  const error = pi.lastPaymentError;
  return {
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_capturable: pi.amountCapturable,
    amount_received: pi.amountReceived,
    canceled_at: pi.canceledAt ? unix(pi.canceledAt) : null,
    cancellation_reason: pi.cancellationReason,
    capture_method: pi.captureMethod,
    client_secret: pi.clientSecret,
    confirmation_method: 'automatic',
    created: unix(pi.created),
    currency: pi.currency,
    customer: pi.customerId,
    description: pi.description,
    last_payment_error: error
      ? {
          type: 'card_error',
          code: error.code,
          decline_code: error.declineCode ?? undefined,
          message: error.message,
          payment_method: pi.paymentMethodId ? { id: pi.paymentMethodId, object: 'payment_method' } : null,
        }
      : null,
    latest_charge: pi.latestCharge,
    livemode: false,
    metadata: pi.metadata,
    next_action: nextAction(pi),
    payment_method: pi.paymentMethodId,
    payment_method_types: ['card'],
    setup_future_usage: pi.setupFutureUsage,
    status: pi.status,
  };
}

/** A pending 3D Secure challenge as Stripe's redirect_to_url next action (ADR 0027); null otherwise. */
function nextAction(pi: PaymentIntentRecord) {
  if (pi.status !== 'requires_action' || pi.authentication !== 'pending' || !pi.authenticationUrl)
    return null;
  return {
    type: 'redirect_to_url',
    redirect_to_url: { url: pi.authenticationUrl, return_url: pi.returnUrl },
  };
}

/**
 * The latest charge of a payment intent. Not an API resource yet (issue 11 adds `/v1/charges`): carried by
 * the charge.* events. `payment_method_details.card.checks.cvc_check` is Stripe's: `pass`, `fail`,
 * `unavailable`, `unchecked`, or null when no CVC reached the acquirer (another charge of a saved card, or
 * one confirmed after the CVC expired); the other card fields join it with the charge object.
 */
export function chargeObject(pi: PaymentIntentRecord) {
  const failed = pi.lastPaymentError !== null && pi.status === 'requires_payment_method';
  return {
    id: pi.latestCharge,
    object: 'charge',
    amount: pi.amount,
    amount_captured: pi.amountReceived,
    amount_refunded: pi.amountRefunded,
    captured: pi.amountReceived > 0,
    currency: pi.currency,
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pi.paymentMethodId,
    payment_method_details: {
      type: 'card',
      card: {
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: pi.cvcCheck },
      },
    },
    refunded: pi.amountReceived > 0 && pi.amountRefunded === pi.amountReceived,
    status: failed ? 'failed' : 'succeeded',
    failure_code: failed ? (pi.lastPaymentError?.code ?? null) : null,
  };
}

export function refundObject(r: RefundRecord) {
  return {
    id: r.id,
    object: 'refund',
    amount: r.amount,
    charge: r.charge,
    created: unix(r.created),
    currency: r.currency,
    metadata: r.metadata,
    payment_intent: r.paymentIntentId,
    reason: r.reason,
    status: r.status,
  };
}

export function balanceObject(balances: readonly CurrencyBalance[]) {
  return {
    object: 'balance',
    available: balances.map((b) => ({
      amount: b.available,
      currency: b.currency,
      source_types: { card: b.available },
    })),
    pending: balances.map((b) => ({
      amount: b.pending,
      currency: b.currency,
      source_types: { card: b.pending },
    })),
    livemode: false,
  };
}

export function listObject<T>(url: string, data: T[], hasMore: boolean) {
  return { object: 'list', data, has_more: hasMore, url };
}

/**
 * The response to a create, confirm, capture or cancel: the intent, or for a declined confirmation 402
 * card_error with the payment intent attached, as Stripe does.
 */
export function intentResponse(result: { intent: PaymentIntentRecord; declined: boolean }): Rendered {
  const pi = paymentIntentObject(result.intent);
  const error = result.intent.lastPaymentError;
  if (!result.declined || !error) return { status: 200, body: pi };
  return {
    status: 402,
    body: {
      error: {
        type: 'card_error',
        code: error.code,
        decline_code: error.declineCode ?? undefined,
        message: error.message,
        charge: chargeObject(result.intent).id,
        payment_intent: pi,
        payment_method: pi.payment_method ? { id: pi.payment_method, object: 'payment_method' } : undefined,
      },
    },
  };
}
