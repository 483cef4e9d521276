import type { AuditEvent } from '../store/audit-store.js';
import type { PaymentIntentRecord, PaymentMethodRecord, RefundRecord } from '../store/records.js';

/** Who acted and from where: the PCI DSS 10.2.2 "who" and "where from" of an audit record. */
export type Who = Pick<AuditEvent, 'merchantId' | 'actor' | 'sourceIp' | 'requestId'>;

/** An audit record without its who/where-from, which the request supplies. */
export type AuditDraft = Omit<AuditEvent, keyof Who>;

/** The facts each audited action is recorded from. */
interface IntentTransitionFacts {
  readonly before: PaymentIntentRecord;
  readonly after: PaymentIntentRecord;
  /** The acquirer declined this request's authorization. */
  readonly declined: boolean;
}

interface AuditFacts {
  'auth.authenticate': {
    readonly reason: string;
    readonly keyHint: string | null;
    readonly method: string;
    readonly path: string | null;
  };
  /** The failed authentications of one source in one window after its first (which has its own record). */
  'auth.authenticate_repeated': {
    readonly windowStart: Date;
    readonly windowEnd: Date;
    readonly failures: number;
    readonly reasons: Readonly<Record<string, number>>;
    readonly keyHints: readonly string[];
    readonly paths: Readonly<Record<string, number>>;
    readonly firstRequestId: string;
    readonly lastRequestId: string;
    /** The failures come from sources beyond the tracked number, summarised together (no source IP). */
    readonly untrackedSources: boolean;
  };
  /** A request asked to act on another account (Stripe-Account header); Stripe Connect is not implemented. */
  'auth.stripe_account': { readonly requestedAccount: string | null };
  'auth.client_certificate': {
    readonly reason: string;
    /** Serial, subject and bound merchant of the refused certificate, as far as they are known. */
    readonly certificate: { readonly serial?: string; readonly subject?: string; readonly merchant?: string };
  };
  'merchant.create': { readonly merchantId: string };
  'merchant.fee_schedule': {
    readonly merchantId: string;
    readonly percentBps: number;
    readonly fixedAmount: number;
  };
  /** A settlement run moved a merchant's funds of one day from pending to available (ADR 0032). */
  'settlement.run': {
    readonly merchantId: string;
    readonly date: string;
    readonly currencies: readonly {
      readonly currency: string;
      readonly count: number;
      readonly net: number;
    }[];
  };
  'api_key.create': { readonly keyId: string };
  'api_key.revoke': { readonly keyId: string };
  'vault.card_sealed': {
    readonly paymentMethod: PaymentMethodRecord;
    readonly keyVersion: string;
    /** When a CVC was sealed with the card: its deadline. */
    readonly cvcUntil: Date | null;
  };
  'payment_method.attached': PaymentMethodRecord;
  'payment_method.detached': PaymentMethodRecord;
  'payment_method.updated': PaymentMethodRecord;
  'customer.create': { readonly customerId: string };
  'customer.update': { readonly customerId: string };
  'customer.delete': { readonly customerId: string; readonly detached: number };
  'webhook_endpoint.create': { readonly endpointId: string; readonly url: string };
  'webhook_endpoint.update': { readonly endpointId: string; readonly url: string; readonly status: string };
  'webhook_endpoint.delete': { readonly endpointId: string; readonly abandoned: number };
  /** A new signing secret; the previous one signs too until `previousUntil` (null: it stopped at once). */
  'webhook_endpoint.roll_secret': { readonly endpointId: string; readonly previousUntil: Date | null };
  /** The service disabled an endpoint that failed throughout a delivery's retry schedule. */
  'webhook_endpoint.disable': {
    readonly endpointId: string;
    readonly deliveryId: string;
    readonly abandoned: number;
  };
  /** A single-use card token was created (its card is sealed by the vault record before it). */
  'token.create': { readonly tokenId: string; readonly paymentMethodId: string };
  /** A single-use card token became a payment method. */
  'token.use': { readonly tokenId: string; readonly paymentMethodId: string };
  /** A setup intent's card verification (the card was opened from the vault for it). */
  'setup_intent.confirm': {
    readonly setupIntentId: string;
    readonly paymentMethodId: string;
    readonly approved: boolean;
    readonly cvc: boolean;
  };
  'setup_intent.cancel': { readonly setupIntentId: string };
  'payment_intent.create': { readonly intent: PaymentIntentRecord };
  'payment_intent.create_and_confirm': { readonly intent: PaymentIntentRecord; readonly declined: boolean };
  'payment_intent.confirm': IntentTransitionFacts;
  /** The cardholder's answer to a 3D Secure challenge; approved, the authorization that followed it. */
  'payment_intent.authenticate': IntentTransitionFacts;
  'payment_intent.capture': IntentTransitionFacts;
  'payment_intent.cancel': IntentTransitionFacts;
  'payment_intent.update': { readonly before: PaymentIntentRecord; readonly after: PaymentIntentRecord };
  'refund.create': { readonly refund: RefundRecord };
  'payment_attempt.interrupted': {
    /** The request's own action (payment_intent.capture, refund.create, …). */
    readonly operation: string;
    readonly objectType: string;
    readonly objectId: string;
    readonly attempt: string;
  };
}

type AuditAction = keyof AuditFacts;

/** What one summary of repeated authentication failures records. */
export type RepeatedFailures = AuditFacts['auth.authenticate_repeated'];

const outcome = (declined: boolean) => (declined ? 'failure' : 'success');

const intentObject = (intent: PaymentIntentRecord) => ({
  objectType: 'payment_intent',
  objectId: intent.id,
});

const creationDetails = (intent: PaymentIntentRecord) => ({
  amount: intent.amount,
  currency: intent.currency,
  capture_method: intent.captureMethod,
});

/** A confirmation's result; opening the card is part of it (PCI DSS 10.2.1.1: access to cardholder data). */
const authorizationDetails = (intent: PaymentIntentRecord, declined: boolean) => ({
  status: intent.status,
  ...(declined
    ? { code: intent.lastPaymentError?.code ?? null }
    : { amount: intent.amount, currency: intent.currency }),
  vault_access: {
    payment_method: intent.paymentMethodId,
    purpose: 'authorization',
    // the CVC was opened for this authorization (and deleted from the vault)
    cvc: intent.cvcCheck !== null,
  },
});

/** The one table from what happened to its audit record: one row per audited action. */
const RECORDS: { readonly [A in AuditAction]: (facts: AuditFacts[A]) => Omit<AuditDraft, 'action'> } = {
  'auth.authenticate': (f) => ({
    outcome: 'failure',
    objectType: 'api_key',
    details: { reason: f.reason, key_hint: f.keyHint, method: f.method, path: f.path },
  }),
  'auth.authenticate_repeated': (f) => ({
    outcome: 'failure',
    objectType: 'api_key',
    details: {
      window_start: f.windowStart.toISOString(),
      window_end: f.windowEnd.toISOString(),
      failures: f.failures,
      reasons: f.reasons,
      key_hints: f.keyHints,
      paths: f.paths,
      first_request_id: f.firstRequestId,
      last_request_id: f.lastRequestId,
      ...(f.untrackedSources ? { untracked_sources: true } : {}),
    },
  }),
  'auth.stripe_account': (f) => ({
    outcome: 'failure',
    objectType: 'account',
    ...(f.requestedAccount === null ? {} : { objectId: f.requestedAccount }),
    details: { reason: 'connect_not_supported', requested_account: f.requestedAccount },
  }),
  'auth.client_certificate': (f) => ({
    outcome: 'failure',
    objectType: 'client_certificate',
    ...(f.certificate.serial === undefined ? {} : { objectId: f.certificate.serial }),
    details: {
      reason: f.reason,
      ...(f.certificate.serial === undefined ? {} : { serial: f.certificate.serial }),
      ...(f.certificate.subject === undefined ? {} : { subject: f.certificate.subject }),
      ...(f.certificate.merchant === undefined ? {} : { certificate_merchant: f.certificate.merchant }),
    },
  }),
  'merchant.create': (f) => ({ outcome: 'success', objectType: 'merchant', objectId: f.merchantId }),
  'merchant.fee_schedule': (f) => ({
    outcome: 'success',
    objectType: 'merchant',
    objectId: f.merchantId,
    details: { percent_bps: f.percentBps, fixed_amount: f.fixedAmount },
  }),
  'settlement.run': (f) => ({
    outcome: 'success',
    objectType: 'settlement',
    objectId: `${f.merchantId}/${f.date}`,
    details: { date: f.date, currencies: f.currencies },
  }),
  'api_key.create': (f) => ({ outcome: 'success', objectType: 'api_key', objectId: f.keyId }),
  'api_key.revoke': (f) => ({ outcome: 'success', objectType: 'api_key', objectId: f.keyId }),
  'vault.card_sealed': (f) => ({
    outcome: 'success',
    objectType: 'payment_method',
    objectId: f.paymentMethod.id,
    details: {
      brand: f.paymentMethod.brand,
      last4: f.paymentMethod.last4,
      key_version: f.keyVersion,
      cvc_sealed_until: f.cvcUntil?.toISOString() ?? null,
    },
  }),
  'payment_method.attached': (pm) => ({
    outcome: 'success',
    objectType: 'payment_method',
    objectId: pm.id,
    details: { customer: pm.customerId },
  }),
  'payment_method.detached': (pm) => ({
    outcome: 'success',
    objectType: 'payment_method',
    objectId: pm.id,
  }),
  'payment_method.updated': (pm) => ({
    outcome: 'success',
    objectType: 'payment_method',
    objectId: pm.id,
    details: { exp_month: pm.expMonth, exp_year: pm.expYear },
  }),
  'customer.create': (f) => ({ outcome: 'success', objectType: 'customer', objectId: f.customerId }),
  'customer.update': (f) => ({ outcome: 'success', objectType: 'customer', objectId: f.customerId }),
  'customer.delete': (f) => ({
    outcome: 'success',
    objectType: 'customer',
    objectId: f.customerId,
    details: { detached_payment_methods: f.detached },
  }),
  'webhook_endpoint.create': (f) => ({
    outcome: 'success',
    objectType: 'webhook_endpoint',
    objectId: f.endpointId,
    details: { url: f.url },
  }),
  'webhook_endpoint.update': (f) => ({
    outcome: 'success',
    objectType: 'webhook_endpoint',
    objectId: f.endpointId,
    details: { url: f.url, status: f.status },
  }),
  'webhook_endpoint.delete': (f) => ({
    outcome: 'success',
    objectType: 'webhook_endpoint',
    objectId: f.endpointId,
    details: { abandoned_deliveries: f.abandoned },
  }),
  'webhook_endpoint.roll_secret': (f) => ({
    outcome: 'success',
    objectType: 'webhook_endpoint',
    objectId: f.endpointId,
    details: { previous_secret_until: f.previousUntil?.toISOString() ?? null },
  }),
  'webhook_endpoint.disable': (f) => ({
    outcome: 'success',
    objectType: 'webhook_endpoint',
    objectId: f.endpointId,
    details: { delivery: f.deliveryId, abandoned_deliveries: f.abandoned },
  }),
  'token.create': (f) => ({
    outcome: 'success',
    objectType: 'token',
    objectId: f.tokenId,
    details: { payment_method: f.paymentMethodId },
  }),
  'token.use': (f) => ({
    outcome: 'success',
    objectType: 'token',
    objectId: f.tokenId,
    details: { payment_method: f.paymentMethodId },
  }),
  'setup_intent.confirm': (f) => ({
    outcome: outcome(!f.approved),
    objectType: 'setup_intent',
    objectId: f.setupIntentId,
    details: {
      vault_access: { payment_method: f.paymentMethodId, purpose: 'card_verification', cvc: f.cvc },
    },
  }),
  'setup_intent.cancel': (f) => ({
    outcome: 'success',
    objectType: 'setup_intent',
    objectId: f.setupIntentId,
  }),
  'payment_intent.create': (f) => ({
    outcome: 'success',
    ...intentObject(f.intent),
    details: creationDetails(f.intent),
  }),
  'payment_intent.create_and_confirm': (f) => ({
    outcome: outcome(f.declined),
    ...intentObject(f.intent),
    details: { ...creationDetails(f.intent), confirm: authorizationDetails(f.intent, f.declined) },
  }),
  'payment_intent.confirm': (f) => ({
    outcome: outcome(f.declined),
    ...intentObject(f.after),
    details: authorizationDetails(f.after, f.declined),
  }),
  'payment_intent.authenticate': (f) => ({
    outcome: outcome(f.declined),
    ...intentObject(f.after),
    details: {
      authentication: f.after.authentication,
      ...(f.after.authentication === 'succeeded' ? authorizationDetails(f.after, f.declined) : {}),
    },
  }),
  'payment_intent.capture': (f) => ({
    outcome: 'success',
    ...intentObject(f.after),
    details: { amount_captured: f.after.amountReceived, amount_authorized: f.before.amountCapturable },
  }),
  'payment_intent.cancel': (f) => ({
    outcome: 'success',
    ...intentObject(f.after),
    details: { from: f.before.status, reason: f.after.cancellationReason },
  }),
  'payment_intent.update': (f) => ({
    outcome: 'success',
    ...intentObject(f.after),
    // which parameters changed, never their values (an e-mail or address is personal data)
    details: {
      changed: [
        ...(f.before.amount === f.after.amount ? [] : ['amount']),
        ...(f.before.currency === f.after.currency ? [] : ['currency']),
        ...(f.before.paymentMethodId === f.after.paymentMethodId ? [] : ['payment_method']),
        ...(f.before.description === f.after.description ? [] : ['description']),
        ...(JSON.stringify(f.before.metadata) === JSON.stringify(f.after.metadata) ? [] : ['metadata']),
        ...(JSON.stringify(f.before.details) === JSON.stringify(f.after.details) ? [] : ['details']),
      ],
    },
  }),
  'payment_attempt.interrupted': (f) => ({
    outcome: 'failure',
    objectType: f.objectType,
    objectId: f.objectId,
    details: { operation: f.operation, attempt: f.attempt, recovery_point: 'acquirer_called' },
  }),
  'refund.create': (f) => ({
    outcome: 'success',
    objectType: 'refund',
    objectId: f.refund.id,
    details: {
      payment_intent: f.refund.paymentIntentId,
      amount: f.refund.amount,
      currency: f.refund.currency,
    },
  }),
};

/** The audit record of `action`, from its facts. Every audit record the service writes is built here. */
export function auditRecord<A extends AuditAction>(action: A, facts: AuditFacts[A]): AuditDraft {
  return { action, ...RECORDS[action](facts) };
}

/** Audit drafts completed with who acted and from where. */
export function auditEvents(who: Who, drafts: readonly AuditDraft[]): AuditEvent[] {
  return drafts.map((d) => ({
    ...d,
    merchantId: who.merchantId,
    actor: who.actor,
    sourceIp: who.sourceIp,
    requestId: who.requestId,
  }));
}
