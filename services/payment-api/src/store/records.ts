import type { CvcCheck } from '../acquirer/index.js';
import type { Currency } from '../domain/currency.js';
import type {
  AuthenticationState,
  CancellationReason,
  CaptureMethod,
  PaymentError,
  PaymentIntentState,
  PaymentIntentStatus,
} from '../domain/payment-intent.js';
import { toBuffer, toDate, toNumber } from '../db/database.js';
import type { SealedCard, SealedCvc } from '../vault/index.js';

export type Metadata = Record<string, string>;

export interface PaymentIntentRecord extends PaymentIntentState {
  readonly id: string;
  readonly merchantId: string;
  readonly latestCharge: string | null;
  readonly authorizationId: string | null;
  /** The latest charge's CVC check; null when no CVC reached the acquirer. */
  readonly cvcCheck: CvcCheck | null;
  readonly clientSecret: string;
  readonly description: string | null;
  readonly metadata: Metadata;
  /** Descriptive fields (receipt_email, shipping, statement descriptors, …) by name; absent when unset. */
  readonly details: IntentDetails;
  readonly canceledAt: Date | null;
  /** The customer the payment is for (Stripe's `customer`). */
  readonly customerId: string | null;
  /** Attach the card to the customer once the payment succeeds (Stripe's `setup_future_usage`). */
  readonly setupFutureUsage: SetupFutureUsage | null;
  readonly authentication: AuthenticationState | null;
  /** The pending 3D Secure challenge: its id (the confirming attempt's) and page. */
  readonly authenticationChallenge: string | null;
  readonly authenticationUrl: string | null;
  readonly returnUrl: string | null;
  readonly created: Date;
}

export type SetupFutureUsage = 'on_session' | 'off_session';
export type IntentDetails = Readonly<Record<string, unknown>>;

export interface PaymentMethodRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly fingerprint: string;
  readonly metadata: Metadata;
  /** The customer it is attached to; null when unattached or detached. */
  readonly customerId: string | null;
  /** Detached from its customer: it can no longer be attached or used (Stripe's rule). */
  readonly detached: boolean;
  readonly billingDetails: BillingDetails;
  readonly created: Date;
}

/** Stripe's billing_details of a payment method. */
export interface BillingDetails {
  readonly address: Readonly<Record<string, string | null>> | null;
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
}

export interface RefundRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly paymentIntentId: string;
  readonly charge: string;
  readonly amount: number;
  readonly currency: Currency;
  readonly status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  readonly reason: string | null;
  readonly metadata: Metadata;
  readonly created: Date;
}

type Row = Record<string, unknown>;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function paymentIntentFromRow(r: Row): PaymentIntentRecord {
  const error = r.last_payment_error === null ? null : json<PaymentError>(r.last_payment_error);
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    status: r.status as PaymentIntentStatus,
    amount: toNumber(r.amount),
    currency: r.currency as Currency,
    captureMethod: r.capture_method as CaptureMethod,
    paymentMethodId: (r.payment_method_id as string | null) ?? null,
    amountCapturable: toNumber(r.amount_capturable),
    amountReceived: toNumber(r.amount_received),
    amountRefunded: toNumber(r.amount_refunded),
    lastPaymentError: error,
    cancellationReason: (r.cancellation_reason as CancellationReason | null) ?? null,
    latestCharge: (r.latest_charge as string | null) ?? null,
    authorizationId: (r.authorization_id as string | null) ?? null,
    cvcCheck: (r.cvc_check as CvcCheck | null) ?? null,
    clientSecret: String(r.client_secret),
    description: (r.description as string | null) ?? null,
    metadata: json<Metadata>(r.metadata),
    details: r.details === undefined || r.details === null ? {} : json<IntentDetails>(r.details),
    canceledAt: r.canceled_at === null ? null : toDate(r.canceled_at),
    customerId: (r.customer_id as string | null) ?? null,
    setupFutureUsage: (r.setup_future_usage as SetupFutureUsage | null) ?? null,
    authentication: (r.authentication as AuthenticationState | null) ?? null,
    authenticationChallenge: (r.authentication_challenge as string | null) ?? null,
    authenticationUrl: (r.authentication_url as string | null) ?? null,
    returnUrl: (r.return_url as string | null) ?? null,
    created: toDate(r.created_at),
  };
}

export function paymentMethodFromRow(r: Row): PaymentMethodRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    brand: String(r.brand),
    last4: String(r.last4),
    expMonth: toNumber(r.exp_month),
    expYear: toNumber(r.exp_year),
    fingerprint: String(r.fingerprint),
    metadata: json<Metadata>(r.metadata),
    customerId: (r.customer_id as string | null) ?? null,
    detached: r.detached_at !== null && r.detached_at !== undefined,
    billingDetails: json<BillingDetails>(r.billing_details),
    created: toDate(r.created_at),
  };
}

export function sealedCardFromRow(r: Row): SealedCard {
  return {
    ciphertext: toBuffer(r.ciphertext),
    iv: toBuffer(r.iv),
    authTag: toBuffer(r.auth_tag),
    wrappedDataKey: toBuffer(r.wrapped_data_key),
    keyVersion: String(r.key_version),
    fingerprint: String(r.fingerprint),
    brand: String(r.brand),
    last4: String(r.last4),
  };
}

/** A sealed CVC from columns named with `prefix` (e.g. `cvc_ciphertext`). */
export function sealedCvcFromRow(r: Row, prefix: string): SealedCvc {
  return {
    ciphertext: toBuffer(r[`${prefix}ciphertext`]),
    iv: toBuffer(r[`${prefix}iv`]),
    authTag: toBuffer(r[`${prefix}auth_tag`]),
    wrappedDataKey: toBuffer(r[`${prefix}wrapped_data_key`]),
    keyVersion: String(r[`${prefix}key_version`]),
    expiresAt: toDate(r[`${prefix}expires_at`]),
  };
}

export function refundFromRow(r: Row): RefundRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    paymentIntentId: String(r.payment_intent_id),
    charge: String(r.charge),
    amount: toNumber(r.amount),
    currency: r.currency as Currency,
    status: r.status as RefundRecord['status'],
    reason: (r.reason as string | null) ?? null,
    metadata: json<Metadata>(r.metadata),
    created: toDate(r.created_at),
  };
}
