import { newId } from '../domain/ids.js';
import { refund as refundTransition } from '../domain/payment-intent.js';
import { refundFromRow, type Metadata, type RefundRecord } from '../store/records.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { NotFoundError } from './errors.js';
import { listRows, type Page } from './payment-intents.js';
import { finish, lockPaymentIntent, persistTransition } from './transitions.js';

const COLUMNS =
  'id, merchant_id, payment_intent_id, charge, amount, currency, status, reason, metadata, created_at';
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/**
 * Refunds part or all of a captured payment. The payment intent row is locked first, so concurrent refunds
 * are serialized and their sum can never exceed the captured amount (the table CHECK enforces it again).
 */
export async function createRefund(
  deps: Deps,
  ctx: RequestContext,
  input: { paymentIntentId: string; amount: number | null; reason: string | null; metadata: Metadata },
  hook?: CommitHook<RefundRecord>,
): Promise<RefundRecord> {
  return deps.db.transaction(async (tx) => {
    const pi = await lockPaymentIntent(tx, ctx.merchantId, input.paymentIntentId);
    if (!pi) throw new NotFoundError('payment_intent', input.paymentIntentId, 'payment_intent');
    const transition = refundTransition(pi, input.amount ?? undefined);
    await deps.acquirer.refund(pi.authorizationId as string, transition.amount);
    const { rows } = await tx.query(
      `INSERT INTO refunds (id, merchant_id, payment_intent_id, charge, amount, currency, status, reason, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', $7, $8) RETURNING ${COLUMNS}`,
      [
        newId('re'),
        ctx.merchantId,
        pi.id,
        pi.latestCharge,
        transition.amount,
        pi.currency,
        input.reason,
        JSON.stringify(input.metadata),
      ],
    );
    const refund = refundFromRow(rows[0] as Record<string, unknown>);
    await persistTransition(tx, pi, transition, { refund });
    return finish(tx, ctx, hook, refund, [
      {
        action: 'refund.create',
        outcome: 'success',
        objectType: 'refund',
        objectId: refund.id,
        details: { payment_intent: pi.id, amount: refund.amount, currency: refund.currency },
      },
    ]);
  });
}

export async function getRefund(deps: Deps, merchantId: string, id: string): Promise<RefundRecord> {
  const { rows } = await deps.db.query(`SELECT ${COLUMNS} FROM refunds WHERE id = $1 AND merchant_id = $2`, [
    id,
    merchantId,
  ]);
  if (!rows[0]) throw new NotFoundError('refund', id);
  return refundFromRow(rows[0]);
}

export async function listRefunds(deps: Deps, merchantId: string, page: Page) {
  const { rows, hasMore } = await listRows(deps.db, 'refunds', COLUMNS, merchantId, page, 'refund');
  return { refunds: rows.map(refundFromRow), hasMore };
}
