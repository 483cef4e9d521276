import type { Queryable } from '../db/database.js';
import type { Currency } from '../domain/currency.js';
import { keysetPages } from './keyset-page.js';
import { refundFromRow, type Metadata, type RefundRecord } from './records.js';
import { insertRow, ownedReader } from './rows.js';

const COLUMNS =
  'id, merchant_id, payment_intent_id, charge, amount, currency, status, reason, metadata, created_at';

/** A refund as its request decided it, before it is written. */
export interface NewRefund {
  readonly id: string;
  readonly merchantId: string;
  readonly paymentIntentId: string;
  readonly charge: string | null;
  readonly amount: number;
  readonly currency: Currency;
  readonly reason: string | null;
  readonly metadata: Metadata;
}

/** Inserts a succeeded refund, in the transaction that records its payment intent's new state. */
export async function insertRefund(tx: Queryable, refund: NewRefund): Promise<RefundRecord> {
  const row = await insertRow(
    tx,
    'refunds',
    {
      id: refund.id,
      merchant_id: refund.merchantId,
      payment_intent_id: refund.paymentIntentId,
      charge: refund.charge,
      amount: refund.amount,
      currency: refund.currency,
      status: 'succeeded',
      reason: refund.reason,
      metadata: JSON.stringify(refund.metadata),
    },
    COLUMNS,
  );
  return refundFromRow(row);
}

export const findRefund = ownedReader('refunds', COLUMNS, refundFromRow);

/** Newest first; null when the page's cursor is not one of the merchant's refunds. */
export const listRefunds = keysetPages('refunds', COLUMNS, refundFromRow);
