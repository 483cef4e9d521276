import { idTime } from '../domain/ids.js';
import type { BalanceTransactionRecord } from '../store/balance-transaction-store.js';
import type { ChargeRecord } from '../store/charge-store.js';
import type { CurrencyBalance } from '../store/ledger-store.js';
import type {
  BillingDetails,
  PaymentIntentRecord,
  PaymentMethodRecord,
  RefundRecord,
} from '../store/records.js';
import type { Rendered } from './context.js';
import { refundBalanceTransactionId } from './refunds.js';
import {
  address,
  balanceTransaction,
  billingDetails,
  cardChecks,
  charge,
  chargeCard,
  chargeOutcome,
  feeDetail,
  paymentIntent,
  paymentMethod,
  paymentMethodCard,
  redirectToUrl,
  refund,
} from './shapes.js';

/** Stripe object shapes. Only brand, last4, expiry and fingerprint of a card are ever exposed. */
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

const noBillingDetails = () => billingDetails.render({});
const billingDetailsObject = (b: BillingDetails) =>
  billingDetails.render({ ...b, address: b.address ? address.render(b.address) : null });

export function paymentMethodObject(pm: PaymentMethodRecord) {
  return paymentMethod.render({
    id: pm.id,
    object: 'payment_method',
    billing_details: billingDetailsObject(pm.billingDetails),
    card: paymentMethodCard.render({
      brand: pm.brand,
      exp_month: pm.expMonth,
      exp_year: pm.expYear,
      fingerprint: pm.fingerprint,
      funding: 'unknown',
      last4: pm.last4,
      networks: { available: [pm.brand], preferred: null },
      three_d_secure_usage: { supported: true },
    }),
    created: unix(pm.created),
    customer: pm.customerId,
    livemode: false,
    metadata: pm.metadata,
    type: 'card',
  });
}

/** The descriptive fields of an intent as its objects show them (null when unset). */
const described = (pi: PaymentIntentRecord) => ({
  receipt_email: pi.details.receipt_email,
  shipping: pi.details.shipping,
  statement_descriptor: pi.details.statement_descriptor,
  statement_descriptor_suffix: pi.details.statement_descriptor_suffix,
});

export function paymentIntentObject(pi: PaymentIntentRecord) {
  const error = pi.lastPaymentError;
  return paymentIntent.render({
    ...described(pi),
    automatic_payment_methods: pi.details.automatic_payment_methods,
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_capturable: pi.amountCapturable,
    amount_received: pi.amountReceived,
    canceled_at: pi.canceledAt ? unix(pi.canceledAt) : null,
    cancellation_reason: pi.cancellationReason,
    // the requested capture_method when payment_method_options[card][capture_method] overrode it
    capture_method: pi.details.capture_method ?? pi.captureMethod,
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
    payment_method_options: {
      card: { capture_method: pi.details.card_capture_method ?? null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    setup_future_usage: pi.setupFutureUsage,
    status: pi.status,
  });
}

/** A charge of the API (GET /v1/charges): its intent's latest authorization attempt, with its card. */
export function chargeObject(c: ChargeRecord) {
  const pi = c.intent;
  const error = pi.lastPaymentError;
  const released = error === null && pi.status === 'canceled';
  const amountRefunded = released ? pi.amount : pi.amountRefunded;
  return charge.render({
    ...described(pi),
    calculated_statement_descriptor: pi.details.statement_descriptor,
    id: c.id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: pi.amountReceived,
    amount_refunded: amountRefunded,
    balance_transaction: c.balanceTransaction,
    billing_details: noBillingDetails(),
    captured: pi.amountReceived > 0,
    created: unix(idTime(c.id)),
    currency: pi.currency,
    customer: pi.customerId,
    description: pi.description,
    disputed: false,
    failure_code: error?.code ?? null,
    failure_message: error?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: pi.metadata,
    outcome: chargeOutcome.render(
      error
        ? {
            network_status: 'declined_by_network',
            reason: error.declineCode ?? error.code,
            risk_level: 'normal',
            seller_message: 'The bank did not return any further details with this decline.',
            type: 'issuer_declined',
          }
        : {
            network_status: 'approved_by_network',
            risk_level: 'normal',
            seller_message: 'Payment complete.',
            type: 'authorized',
          },
    ),
    paid: error === null,
    payment_intent: pi.id,
    payment_method: pi.paymentMethodId,
    payment_method_details: {
      card: chargeCard.render({
        amount_authorized: error ? null : pi.amount,
        brand: c.card.brand,
        checks: cardChecks.render({ cvc_check: pi.cvcCheck }),
        exp_month: c.card.expMonth,
        exp_year: c.card.expYear,
        fingerprint: c.card.fingerprint,
        funding: 'unknown',
        last4: c.card.last4,
        network: c.card.brand,
      }),
      type: 'card',
    },
    refunded: amountRefunded > 0 && amountRefunded === (released ? pi.amount : pi.amountReceived),
    status: error ? 'failed' : 'succeeded',
  });
}

export function balanceTransactionObject(t: BalanceTransactionRecord) {
  return balanceTransaction.render({
    id: t.id,
    object: 'balance_transaction',
    amount: t.amount,
    // 00:00 UTC of the settlement day for a charge, the creation for a refund (ADR 0032)
    available_on: unix(t.availableOn),
    balance_type: 'payments',
    created: unix(t.created),
    currency: t.currency,
    fee: t.fee,
    fee_details:
      t.fee === 0
        ? []
        : [
            feeDetail.render({
              amount: t.fee,
              currency: t.currency,
              description: 'Tessera processing fees',
              type: 'stripe_fee',
            }),
          ],
    net: t.amount - t.fee,
    reporting_category: t.type,
    source: t.source,
    status: t.status,
    type: t.type,
  });
}

/** A pending 3D Secure challenge as Stripe's redirect_to_url next action (ADR 0027); null otherwise. */
function nextAction(pi: PaymentIntentRecord) {
  if (pi.status !== 'requires_action' || pi.authentication !== 'pending' || !pi.authenticationUrl)
    return null;
  return redirectToUrl.render({
    type: 'redirect_to_url',
    redirect_to_url: { url: pi.authenticationUrl, return_url: pi.returnUrl },
  });
}

/**
 * The latest charge of a payment intent as the charge.* events carry it (a summary: the card's details
 * are on the charge of GET /v1/charges/{id}). `payment_method_details.card.checks.cvc_check` is Stripe's: `pass`, `fail`,
 * `unavailable`, `unchecked`, or null when no CVC reached the acquirer (another charge of a saved card, or
 * one confirmed after the CVC expired); the other card fields join it with the charge object.
 */
export function chargeEventObject(pi: PaymentIntentRecord) {
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
  return refund.render({
    id: r.id,
    object: 'refund',
    amount: r.amount,
    balance_transaction: refundBalanceTransactionId(r.id),
    charge: r.charge,
    created: unix(r.created),
    currency: r.currency,
    metadata: r.metadata,
    payment_intent: r.paymentIntentId,
    reason: r.reason,
    status: r.status,
  });
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

/** Stripe's search result: `next_page` is the cursor of the next page (the `page` parameter), or null. */
export function searchResultObject<T>(url: string, data: T[], nextPage: string | null) {
  return { object: 'search_result', data, has_more: nextPage !== null, next_page: nextPage, url };
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
        charge: chargeEventObject(result.intent).id,
        payment_intent: pi,
        payment_method: pi.payment_method ? { id: pi.payment_method, object: 'payment_method' } : undefined,
      },
    },
  };
}
