import type { Currency } from './currency.js';
import { DomainError } from './errors.js';
import type { PaymentIntentState, PaymentIntentStatus } from './payment-intent.js';

/** A change of a payment intent's parameters (POST /v1/payment_intents/{id}); absent fields stay as they are. */
export interface IntentUpdate {
  readonly amount?: number;
  readonly currency?: Currency;
  readonly paymentMethodId?: string;
  readonly description?: string | null;
  /** Stripe's merge: each key is set, or unset when its value is ''. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Descriptive fields (receipt_email, shipping, …): each set, or unset when null. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Amount, currency and payment method may change only before the intent is confirmed. */
const BEFORE_CONFIRMATION: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
];

export const MAX_METADATA_KEYS = 50;

/**
 * Checks an update against the intent's state and returns the merged metadata: amount, currency and
 * payment method only before confirmation (payment_intent_unexpected_state naming the parameter), nothing
 * on a canceled intent, and at most 50 metadata keys after the merge.
 */
export function checkUpdate(
  pi: PaymentIntentState & { readonly metadata: Readonly<Record<string, string>> },
  update: IntentUpdate,
): Record<string, string> {
  if (pi.status === 'canceled') {
    throw new DomainError(
      'payment_intent_unexpected_state',
      'You cannot update this PaymentIntent because it has a status of canceled.',
    );
  }
  const locked = (['amount', 'currency', 'paymentMethodId'] as const).find((k) => update[k] !== undefined);
  if (locked && !BEFORE_CONFIRMATION.includes(pi.status)) {
    const param = locked === 'paymentMethodId' ? 'payment_method' : locked;
    throw new DomainError(
      'payment_intent_unexpected_state',
      `You cannot update ${param} on this PaymentIntent because it has a status of ${pi.status}. ` +
        `It can be updated only while the status is one of: ${BEFORE_CONFIRMATION.join(', ')}.`,
      param,
    );
  }
  const metadata: Record<string, string> = { ...pi.metadata };
  for (const [key, value] of Object.entries(update.metadata ?? {})) {
    if (value === '') delete metadata[key];
    else metadata[key] = value;
  }
  if (Object.keys(metadata).length > MAX_METADATA_KEYS) {
    throw new DomainError(
      'parameter_invalid_object',
      `Invalid metadata: the PaymentIntent would have ${Object.keys(metadata).length} keys; at most ${MAX_METADATA_KEYS} are allowed.`,
      'metadata',
    );
  }
  return metadata;
}
