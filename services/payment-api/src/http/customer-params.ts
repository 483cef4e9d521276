import type { Address, CustomerFields } from '../store/customer-store.js';
import type { BillingDetails } from '../store/records.js';
import type { Params } from './params.js';

const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** Stripe's address hash: every key optional (each at most 200 characters); null when not given. */
export function addressParam(p: Params, key = 'address'): Address | null {
  const a = p.object(key);
  if (!a) return null;
  const out: Record<string, string | null> = {};
  for (const k of ADDRESS_KEYS) out[k] = a.string(k, { maxLength: 200 });
  a.done();
  return out;
}

/** Stripe's billing_details hash; undefined when not given. */
export function billingDetailsParam(p: Params): BillingDetails | undefined {
  const b = p.object('billing_details');
  if (!b) return undefined;
  const details: BillingDetails = {
    address: addressParam(b),
    email: b.string('email', { maxLength: 512 }),
    name: b.string('name', { maxLength: 256 }),
    phone: b.string('phone', { maxLength: 20 }),
  };
  b.done();
  return details;
}

/**
 * The customer fields of a create or update. On update an empty string unsets a field (Stripe's rule): the
 * parameters read it as absent, so `present` tells an unset apart from a field not sent.
 */
export function customerFieldsParam(p: Params, body: unknown, update: boolean): CustomerFields {
  const sent = (k: string) =>
    update && typeof body === 'object' && body !== null && (body as Record<string, unknown>)[k] === '';
  const field = (k: 'email' | 'name' | 'phone' | 'description', maxLength: number) => {
    const v = p.string(k, { maxLength });
    return v ?? (sent(k) ? null : update ? undefined : null);
  };
  const fields = {
    email: field('email', 512),
    name: field('name', 256),
    phone: field('phone', 20),
    description: field('description', 350),
  };
  const address = addressParam(p);
  return {
    ...fields,
    address: address ?? (sent('address') ? null : update ? undefined : null),
  };
}
