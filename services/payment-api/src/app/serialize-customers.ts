import type { CustomerRecord } from '../store/customer-store.js';
import type { PaymentMethodRecord } from '../store/records.js';
import type { SetupIntentRecord } from '../store/setup-intent-store.js';
import type { TokenWithCard } from './tokens.js';

/** Stripe object shapes of customers and card tokens (every always-present field, null when unset). */
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** A customer, or once deleted Stripe's stub `{ id, object, deleted: true }`. */
export function customerObject(c: CustomerRecord) {
  if (c.deleted) return deletedCustomerObject(c.id);
  return {
    id: c.id,
    object: 'customer',
    address: c.address,
    balance: 0,
    created: unix(c.created),
    currency: null,
    default_source: null,
    delinquent: false,
    description: c.description,
    discount: null,
    email: c.email,
    invoice_prefix: c.invoicePrefix,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: 1,
    phone: c.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export function deletedCustomerObject(id: string) {
  return { id, object: 'customer', deleted: true };
}

/** The legacy Card object's brand names (Stripe's tokens use these, payment methods the lower-case ones). */
const CARD_BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

function tokenCardObject(cardId: string, pm: PaymentMethodRecord) {
  const address = pm.billingDetails.address;
  return {
    id: cardId,
    object: 'card',
    address_city: address?.city ?? null,
    address_country: address?.country ?? null,
    address_line1: address?.line1 ?? null,
    address_line1_check: null,
    address_line2: address?.line2 ?? null,
    address_state: address?.state ?? null,
    address_zip: address?.postal_code ?? null,
    address_zip_check: null,
    brand: CARD_BRANDS[pm.brand] ?? 'Unknown',
    country: null,
    cvc_check: null,
    dynamic_last4: null,
    exp_month: pm.expMonth,
    exp_year: pm.expYear,
    fingerprint: pm.fingerprint,
    funding: 'unknown',
    last4: pm.last4,
    metadata: {},
    name: pm.billingDetails.name,
    tokenization_method: null,
    wallet: null,
  };
}

export function tokenObject({ token, card }: TokenWithCard) {
  return {
    id: token.id,
    object: 'token',
    card: tokenCardObject(token.cardId, card),
    client_ip: token.clientIp,
    created: unix(token.created),
    livemode: false,
    type: 'card',
    used: token.used,
  };
}

export function setupIntentObject(si: SetupIntentRecord) {
  const error = si.lastSetupError;
  return {
    id: si.id,
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: si.cancellationReason,
    client_secret: si.clientSecret,
    created: unix(si.created),
    customer: si.customerId,
    description: si.description,
    flow_directions: null,
    last_setup_error: error
      ? {
          type: 'card_error',
          code: error.code,
          decline_code: error.declineCode ?? undefined,
          message: error.message,
          payment_method: si.paymentMethodId ? { id: si.paymentMethodId, object: 'payment_method' } : null,
        }
      : null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: si.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: si.paymentMethodId,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: si.status,
    usage: si.usage,
  };
}
