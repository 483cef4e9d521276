import { newId } from '../domain/ids.js';
import { refund as refundTransition } from '../domain/payment-intent.js';
import type { Page } from '../store/keyset-page.js';
import type { Metadata, RefundRecord } from '../store/records.js';
import { findRefund, insertRefund, listRefunds as listRefundRows } from '../store/refund-store.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';
import { withLockedIntent } from './transitions.js';

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/**
 * Refunds part or all of a captured payment. The payment intent row is locked first, so concurrent refunds
 * are serialized and their sum can never exceed the captured amount (the table CHECK enforces it again).
 */
export function createRefund(
  deps: Deps,
  ctx: RequestContext,
  input: { paymentIntentId: string; amount: number | null; reason: string | null; metadata: Metadata },
  hook?: CommitHook<RefundRecord>,
): Promise<RefundRecord> {
  const target = { id: input.paymentIntentId, param: 'payment_intent' };
  return withLockedIntent(
    deps,
    ctx,
    target,
    hook,
    async (tx, pi) => {
      const transition = refundTransition(pi, input.amount ?? undefined);
      await deps.acquirer.refund(pi.authorizationId as string, transition.amount);
      const refund = await insertRefund(tx, {
        id: newId('re'),
        merchantId: ctx.merchantId,
        paymentIntentId: pi.id,
        charge: pi.latestCharge,
        amount: transition.amount,
        currency: pi.currency,
        reason: input.reason,
        metadata: input.metadata,
      });
      return { transition, refund };
    },
    ({ step: { refund } }) => ({ result: refund, audit: auditRecord('refund.create', { refund }) }),
  );
}

export async function getRefund(deps: Deps, merchantId: string, id: string): Promise<RefundRecord> {
  return found(await findRefund(deps.db, merchantId, id), 'refund', id);
}

export async function listRefunds(deps: Deps, merchantId: string, page: Page) {
  return foundPage(await listRefundRows(deps.db, merchantId, page), 'refund', page);
}
