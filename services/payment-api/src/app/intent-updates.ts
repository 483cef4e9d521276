import { checkMinimumAmount } from '../domain/currency.js';
import { checkUpdate, type IntentUpdate } from '../domain/intent-update.js';
import { lockPaymentIntent, updateIntentFields } from '../store/payment-intent-store.js';
import { findVaultedCard } from '../store/payment-method-store.js';
import type { PaymentIntentRecord } from '../store/records.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, LockTimeoutError } from './errors.js';
import { finish } from './transitions.js';

/**
 * Updates a payment intent's parameters (POST /v1/payment_intents/{id}) in one transaction holding its row:
 * the state rules are the domain's (amount, currency and payment method only before confirmation), the
 * metadata is merged (an empty value unsets its key) and details set or unset field by field. An intent
 * held by a confirm, capture, cancel or refund in progress is not touched (429 lock_timeout).
 */
export async function updateIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  update: IntentUpdate,
  hook?: CommitHook<PaymentIntentRecord>,
): Promise<PaymentIntentRecord> {
  if (update.paymentMethodId) {
    found(
      await findVaultedCard(deps.db, ctx.merchantId, update.paymentMethodId),
      'payment_method',
      update.paymentMethodId,
      'payment_method',
    );
  }
  return deps.intentLocks.run(`${ctx.merchantId}/${id}`, () =>
    deps.db.transaction(async (tx) => {
      const locked = found(await lockPaymentIntent(tx, ctx.merchantId, id), 'payment_intent', id);
      if (locked.pendingAttempt !== null) throw new LockTimeoutError('payment_intent');
      const before = locked.intent;
      const metadata = checkUpdate(before, update);
      if (update.amount !== undefined || update.currency !== undefined) {
        checkMinimumAmount(update.amount ?? before.amount, update.currency ?? before.currency);
      }
      const details: Record<string, unknown> = { ...before.details };
      for (const [key, value] of Object.entries(update.details ?? {})) {
        if (value === null) delete details[key];
        else details[key] = value;
      }
      const paymentMethodId = update.paymentMethodId ?? before.paymentMethodId;
      const after = await updateIntentFields(tx, before, {
        amount: update.amount ?? before.amount,
        currency: update.currency ?? before.currency,
        paymentMethodId,
        status:
          before.status === 'requires_payment_method' && paymentMethodId
            ? 'requires_confirmation'
            : before.status,
        description: update.description === undefined ? before.description : update.description,
        metadata,
        details,
      });
      return finish(tx, ctx, hook, after, [auditRecord('payment_intent.update', { before, after })]);
    }),
  );
}
