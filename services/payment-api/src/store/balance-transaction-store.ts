import type { Queryable } from '../db/database.js';
import { toDate, toNumber } from '../db/database.js';
import type { Currency } from '../domain/currency.js';
import type { Page, PageOf } from './keyset-page.js';
import type { Row } from './rows.js';

/**
 * A balance transaction, derived from the ledger (ADR 0028): each sale, capture or refund ledger transaction
 * is one. `amount` is its acquirer_receivable posting (positive for a charge, negative for a refund), `fee`
 * its processing_fees credit, and the source the charge or refund that caused it. A charge is `pending` until
 * a settlement run made it available (00:00 UTC of its `availableOn` day, ADR 0032); a refund, and a charge
 * from before settlement existed, is available from its creation.
 */
export interface BalanceTransactionRecord {
  readonly id: string;
  readonly type: 'charge' | 'refund';
  readonly amount: number;
  readonly fee: number;
  readonly currency: Currency;
  readonly source: string;
  readonly created: Date;
  readonly availableOn: Date;
  readonly status: 'available' | 'pending';
}

export const BALANCE_TRANSACTION_TYPES = ['charge', 'refund'] as const;

/** The ledger transaction kinds of each balance transaction type. */
const KINDS: Record<BalanceTransactionRecord['type'], readonly string[]> = {
  charge: ['sale', 'capture'],
  refund: ['refund'],
};

function fromRow(r: Row): BalanceTransactionRecord {
  const refund = r.refund_id as string | null;
  return {
    id: String(r.id),
    type: refund ? 'refund' : 'charge',
    amount: toNumber(r.gross),
    fee: -toNumber(r.fee_credit),
    currency: r.currency as Currency,
    source: refund ?? String(r.latest_charge),
    created: toDate(r.created_at),
    availableOn:
      r.available_on === null ? toDate(r.created_at) : new Date(`${String(r.available_on)}T00:00:00Z`),
    status: r.available_on === null || r.settled ? 'available' : 'pending',
  };
}

/** `where` selects ledger_transactions t; parameters from $2 on (after the merchant id). */
const select = (where: string, tail = '') => `
  SELECT t.id, t.currency, t.refund_id, t.created_at, pi.latest_charge, t.available_on::text AS available_on,
         EXISTS (SELECT 1 FROM settlement_transactions s WHERE s.balance_transaction_id = t.id) AS settled,
         coalesce(sum(p.amount) FILTER (WHERE split_part(p.account_id, ':', 3) = 'acquirer_receivable'), 0)::text AS gross,
         coalesce(sum(p.amount) FILTER (WHERE split_part(p.account_id, ':', 3) = 'processing_fees'), 0)::text AS fee_credit
    FROM ledger_transactions t
    JOIN ledger_postings p ON p.transaction_id = t.id
    LEFT JOIN payment_intents pi ON pi.id = t.payment_intent_id
   WHERE t.merchant_id = $1 AND t.kind IN ('sale', 'capture', 'refund') AND ${where}
   GROUP BY t.id, t.currency, t.refund_id, t.created_at, pi.latest_charge, t.available_on ${tail}`;

export async function findBalanceTransaction(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<BalanceTransactionRecord | null> {
  const { rows } = await db.query(select('t.id = $2'), [merchantId, id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** One page, newest first; null when the page's cursor is not one of the merchant's balance transactions. */
export async function listBalanceTransactions(
  db: Queryable,
  merchantId: string,
  page: Page,
  filters: { readonly type?: BalanceTransactionRecord['type'] },
): Promise<PageOf<BalanceTransactionRecord> | null> {
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor && !(await findBalanceTransaction(db, merchantId, cursor))) return null;
  const before = page.endingBefore !== null && page.startingAfter === null;
  const params: unknown[] = [merchantId, page.limit + 1];
  const where = ['true'];
  if (filters.type) {
    params.push(KINDS[filters.type]);
    where.push(`t.kind = ANY ($${params.length}::text[])`);
  }
  if (cursor) {
    params.push(cursor);
    where.push(
      `(t.created_at, t.id) ${before ? '>' : '<'} (SELECT created_at, id FROM ledger_transactions WHERE id = $${params.length})`,
    );
  }
  const dir = before ? 'ASC' : 'DESC';
  const { rows } = await db.query(
    select(where.join(' AND '), `ORDER BY t.created_at ${dir}, t.id ${dir} LIMIT $2`),
    params,
  );
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  return { items: (before ? pageRows.reverse() : pageRows).map(fromRow), hasMore };
}

/** The balance transactions the merchant's settlement runs of `date` settled (every currency), oldest first. */
export async function listSettledOnDay(
  db: Queryable,
  merchantId: string,
  date: string,
): Promise<BalanceTransactionRecord[]> {
  const { rows } = await db.query(
    select(
      `t.id IN (SELECT s.balance_transaction_id FROM settlement_transactions s
                  JOIN settlement_runs r ON r.id = s.run_id
                 WHERE r.merchant_id = $1 AND r.settlement_date = $2::date)`,
      'ORDER BY t.created_at, t.id',
    ),
    [merchantId, date],
  );
  return rows.map(fromRow);
}
