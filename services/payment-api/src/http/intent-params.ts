import { invalidRequest } from './errors.js';
import type { Params } from './params.js';

/** Stripe's statement descriptor rules: at most 22 characters, at least one letter, none of < > \ ' " *. */
const DESCRIPTOR = /^(?=.*[A-Za-z])[^<>\\'"*]{1,22}$/;
/** A plain e-mail address (what a receipt can be sent to). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The descriptive parameters of a payment intent (create and update): receipt_email, shipping,
 * statement_descriptor, statement_descriptor_suffix, return_url, automatic_payment_methods and
 * payment_method_options[card][capture_method] (on create only), as the jsonb `details` stores them. Only
 * sent parameters appear; on an update an empty string unsets one (null).
 */
export function readIntentDetails(
  p: Params,
  opts: { paymentMethodOptions: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const text = (key: string, opts: { maxLength: number; pattern: RegExp; what: string }) => {
    if (!p.has(key)) return;
    const v = p.string(key, { maxLength: opts.maxLength });
    if (v === '' || v === null) {
      out[key] = null;
      return;
    }
    if (!opts.pattern.test(v)) {
      throw invalidRequest(
        `Invalid ${key}: '${v.slice(0, 64)}' is not ${opts.what}.`,
        key,
        'parameter_invalid_string',
      );
    }
    out[key] = v;
  };
  text('receipt_email', { maxLength: 800, pattern: EMAIL, what: 'an email address' });
  text('statement_descriptor', {
    maxLength: 22,
    pattern: DESCRIPTOR,
    what: '1 to 22 characters with a letter and none of < > \\ \' " *',
  });
  text('statement_descriptor_suffix', {
    maxLength: 22,
    pattern: DESCRIPTOR,
    what: '1 to 22 characters with a letter and none of < > \\ \' " *',
  });
  text('return_url', { maxLength: 2048, pattern: /^https?:\/\/[^\s]+$/, what: 'an http(s) URL' });
  if (p.has('shipping')) out.shipping = readShipping(p);
  const automatic = p.object('automatic_payment_methods');
  if (automatic) {
    const enabled = automatic.boolean('enabled', false);
    const redirects = automatic.enumeration('allow_redirects', ['always', 'never'] as const, 'always');
    automatic.done();
    out.automatic_payment_methods = { enabled, allow_redirects: redirects };
  }
  const options = opts.paymentMethodOptions ? p.object('payment_method_options') : null;
  if (options) {
    const card = options.object('card');
    if (card) {
      if (card.has('capture_method')) {
        const v = card.enumeration('capture_method', ['manual', ''] as const, null);
        out.card_capture_method = v === 'manual' ? 'manual' : null;
      }
      card.string('request_three_d_secure', { pattern: /^automatic$/ });
      card.done();
    }
    options.done();
  }
  return out;
}

function readShipping(p: Params): Record<string, unknown> | null {
  if (p.blank('shipping')) return null;
  const shipping = p.object('shipping');
  if (!shipping) return null;
  const name = shipping.string('name', { required: true, maxLength: 5000 });
  const address = shipping.object('address', true);
  const field = (key: string) => address.string(key, { maxLength: 5000 });
  const line1 = address.string('line1', { required: true, maxLength: 5000 });
  const parsed = {
    city: field('city'),
    country: field('country'),
    line1,
    line2: field('line2'),
    postal_code: field('postal_code'),
    state: field('state'),
  };
  address.done();
  const out = {
    address: parsed,
    carrier: shipping.string('carrier', { maxLength: 5000 }),
    name,
    phone: shipping.string('phone', { maxLength: 5000 }),
    tracking_number: shipping.string('tracking_number', { maxLength: 5000 }),
  };
  shipping.done();
  return out;
}

/** The entries of `values` that set something: on create, an empty value (or null) means "not given". */
export function withoutEmpty<T>(values: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== null));
}
