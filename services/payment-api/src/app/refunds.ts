import { refund as refundTransition } from '../domain/payment-intent.js';
import type { Page } from '../store/keyset-page.js';
import type { Metadata, RefundRecord } from '../store/records.js';
import { findRefund, listRefunds as listRefundRows } from '../store/refund-store.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';
import { withLockedIntent } from './transitions.js';

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export interface RefundInput {
  readonly paymentIntentId: string;
  readonly amount: number | null;
  readonly reason: string | null;
  readonly metadata: Metadata;
}

/**
 * Refunds part or all of a captured payment. The payment intent is held for the request's attempt first,
 * so concurrent refunds are serialized and their sum can never exceed the captured amount (the table CHECK
 * enforces it again). The refund's id is its attempt's, and it is the acquirer reference: a retry refunds
 * nothing twice.
 */
export function createRefund(
  deps: Deps,
  ctx: RequestContext,
  input: RefundInput,
  hook?: CommitHook<RefundRecord>,
): Promise<RefundRecord> {
  const target = { id: input.paymentIntentId, param: 'payment_intent' };
  return withLockedIntent(
    deps,
    ctx,
    target,
    hook,
    async (pi, attempt) => {
      const transition = refundTransition(pi, input.amount ?? undefined);
      const id = attempt.objectId('re');
      await attempt.callAcquirer(() =>
        deps.acquirer.refund({
          authorizationId: pi.authorizationId as string,
          amount: transition.amount,
          reference: id,
        }),
      );
      const refund = {
        id,
        merchantId: ctx.merchantId,
        paymentIntentId: pi.id,
        charge: pi.latestCharge,
        amount: transition.amount,
        currency: pi.currency,
        reason: input.reason,
        metadata: input.metadata,
      };
      return { transition, refund };
    },
    ({ refund }) => {
      const created = refund as RefundRecord;
      return { result: created, audit: auditRecord('refund.create', { refund: created }) };
    },
  );
}

export async function getRefund(deps: Deps, merchantId: string, id: string): Promise<RefundRecord> {
  return found(await findRefund(deps.db, merchantId, id), 'refund', id);
}

export async function listRefunds(deps: Deps, merchantId: string, page: Page) {
  return foundPage(await listRefundRows(deps.db, merchantId, page), 'refund', page);
}
