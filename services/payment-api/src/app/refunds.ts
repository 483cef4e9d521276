import { refund as refundTransition } from '../domain/payment-intent.js';
import type { Page } from '../store/keyset-page.js';
import type { Metadata, RefundRecord } from '../store/records.js';
import { DomainError } from '../domain/errors.js';
import { paymentIntentOfCharge } from '../store/charge-store.js';
import { findRefund, listRefunds as listRefundRows } from '../store/refund-store.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';
import { withLockedIntent } from './transitions.js';

/** The id of a refund's balance transaction (its ledger transaction): txn_ and the refund's id body. */
export function refundBalanceTransactionId(refundId: string): string {
  return `txn_${refundId.slice(refundId.indexOf('_') + 1)}`;
}

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/** The payment to refund: named by its payment intent or by its charge (exactly one). */
export interface RefundInput {
  readonly paymentIntentId: string | null;
  /** @default none (requests stored before charges existed have no such field) */
  readonly charge?: string | null;
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
export async function createRefund(
  deps: Deps,
  ctx: RequestContext,
  input: RefundInput,
  hook?: CommitHook<RefundRecord>,
): Promise<RefundRecord> {
  const target = await refundTarget(deps, ctx.merchantId, input);
  return withLockedIntent(
    deps,
    ctx,
    target,
    hook,
    async (pi, attempt) => {
      const id = attempt.objectId('re');
      const decided = refundTransition(pi, input.amount ?? undefined);
      // the refund's ledger transaction is its balance transaction, named after it
      const entries = decided.entries.map((e) => ({ ...e, id: refundBalanceTransactionId(id) }));
      const transition = { ...decided, entries };
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

/** The payment intent to refund, and the parameter that named it (404 resource_missing names it too). */
async function refundTarget(deps: Deps, merchantId: string, input: RefundInput) {
  if (!input.charge) return { id: input.paymentIntentId as string, param: 'payment_intent' };
  const intent = found(
    await paymentIntentOfCharge(deps.db, merchantId, input.charge),
    'charge',
    input.charge,
    'charge',
  );
  if (input.paymentIntentId !== null && input.paymentIntentId !== intent) {
    throw new DomainError(
      'parameter_invalid_string',
      `The charge ${input.charge} does not belong to the payment intent ${input.paymentIntentId}.`,
      'charge',
    );
  }
  return { id: intent, param: 'charge' };
}

/** The filters of GET /v1/refunds: parameter → refunds column. */
export const REFUND_FILTERS = { payment_intent: 'payment_intent_id', charge: 'charge' } as const;
export type RefundFilters = { readonly [K in keyof typeof REFUND_FILTERS]?: string };

export async function getRefund(deps: Deps, merchantId: string, id: string): Promise<RefundRecord> {
  return found(await findRefund(deps.db, merchantId, id), 'refund', id, 'id');
}

export async function listRefunds(deps: Deps, merchantId: string, page: Page, filters: RefundFilters = {}) {
  const columns = Object.fromEntries(
    Object.entries(filters).map(([name, value]) => [REFUND_FILTERS[name as keyof RefundFilters], value]),
  );
  return foundPage(await listRefundRows(deps.db, merchantId, page, columns), 'refund', page);
}
