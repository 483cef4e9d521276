import type { Queryable } from '../db/database.js';
import { toNumber } from '../db/database.js';
import { newId } from '../domain/ids.js';
import type { SettlementDate } from '../domain/settlement.js';

/**
 * Serializes the settlement runs of one merchant (every instance, every date) until the caller's transaction
 * ends: two runs never pick the same balance transaction. PGlite has one connection, so it never waits.
 */
export async function lockMerchantSettlement(tx: Queryable, merchantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('tessera.settlement:' || $1, 0))`, [
    merchantId,
  ]);
}

/** The currencies a run for this merchant and day already settled. */
export async function settledCurrencies(
  tx: Queryable,
  merchantId: string,
  date: SettlementDate,
): Promise<Set<string>> {
  const { rows } = await tx.query<{ currency: string }>(
    'SELECT currency FROM settlement_runs WHERE merchant_id = $1 AND settlement_date = $2',
    [merchantId, date],
  );
  return new Set(rows.map((r) => r.currency));
}

/** A sale or capture due on or before the run's day and not settled yet. */
export interface DueTransaction {
  readonly id: string;
  readonly currency: string;
  readonly amount: number;
  readonly fee: number;
}

/** The merchant's unsettled sales and captures due from `from` to `date` (inclusive), oldest first. */
export async function dueTransactions(
  tx: Queryable,
  merchantId: string,
  from: SettlementDate,
  date: SettlementDate,
): Promise<DueTransaction[]> {
  const { rows } = await tx.query(
    `SELECT t.id, t.currency,
            coalesce(sum(p.amount) FILTER (WHERE split_part(p.account_id, ':', 3) = 'acquirer_receivable'), 0)::text AS gross,
            coalesce(sum(p.amount) FILTER (WHERE split_part(p.account_id, ':', 3) = 'processing_fees'), 0)::text AS fee_credit
       FROM ledger_transactions t
       JOIN ledger_postings p ON p.transaction_id = t.id
      WHERE t.merchant_id = $1 AND t.available_on BETWEEN $2::date AND $3::date
        AND NOT EXISTS (SELECT 1 FROM settlement_transactions s WHERE s.balance_transaction_id = t.id)
      GROUP BY t.id, t.currency, t.created_at
      ORDER BY t.created_at, t.id`,
    [merchantId, from, date],
  );
  return rows.map((r) => ({
    id: String(r.id),
    currency: String(r.currency),
    amount: toNumber(r.gross),
    fee: -toNumber(r.fee_credit),
  }));
}

export interface RunTotals {
  readonly currency: string;
  readonly count: number;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  /** The settlement ledger transaction; null when the net is zero (nothing moved). */
  readonly transactionId: string | null;
}

/**
 * Records a run for one currency and the balance transactions it settled. Returns false, writing nothing,
 * when a run for the merchant, day and currency exists (the unique constraint decides, whatever the lock).
 */
export async function insertSettlementRun(
  tx: Queryable,
  merchantId: string,
  date: SettlementDate,
  totals: RunTotals,
  balanceTransactionIds: readonly string[],
): Promise<boolean> {
  const { rows } = await tx.query(
    `WITH run AS (
       INSERT INTO settlement_runs (id, merchant_id, settlement_date, currency, transaction_id, count, amount, fee, net)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (merchant_id, settlement_date, currency) DO NOTHING
       RETURNING id
     ), settled AS (
       INSERT INTO settlement_transactions (balance_transaction_id, run_id)
       SELECT b.id, run.id FROM run CROSS JOIN unnest($10::text[]) AS b(id)
     )
     SELECT id FROM run`,
    [
      newId('stl'),
      merchantId,
      date,
      totals.currency,
      totals.transactionId,
      totals.count,
      totals.amount,
      totals.fee,
      totals.net,
      balanceTransactionIds,
    ],
  );
  return rows.length > 0;
}

/** The runs of a merchant's day, by currency. */
export async function runsOfDay(
  db: Queryable,
  merchantId: string,
  date: SettlementDate,
): Promise<RunTotals[]> {
  const { rows } = await db.query(
    `SELECT currency, transaction_id, count, amount::text, fee::text, net::text
       FROM settlement_runs WHERE merchant_id = $1 AND settlement_date = $2 ORDER BY currency`,
    [merchantId, date],
  );
  return rows.map((r) => ({
    currency: String(r.currency),
    count: toNumber(r.count),
    amount: toNumber(r.amount),
    fee: toNumber(r.fee),
    net: toNumber(r.net),
    transactionId: (r.transaction_id as string | null) ?? null,
  }));
}

/**
 * The days from `from` to `upTo` on which some of the merchant's sales or captures became due and are not
 * settled yet, oldest first: what the daily schedule catches up on.
 */
export async function unsettledDays(
  db: Queryable,
  merchantId: string,
  from: SettlementDate,
  upTo: SettlementDate,
): Promise<SettlementDate[]> {
  const { rows } = await db.query<{ day: string }>(
    `SELECT DISTINCT t.available_on::text AS day
       FROM ledger_transactions t
      WHERE t.merchant_id = $1 AND t.available_on BETWEEN $2::date AND $3::date
        AND NOT EXISTS (SELECT 1 FROM settlement_transactions s WHERE s.balance_transaction_id = t.id)
      ORDER BY day`,
    [merchantId, from, upTo],
  );
  return rows.map((r) => r.day as SettlementDate);
}
