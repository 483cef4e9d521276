import type { Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import { merchantBalance, type AccountKind, type LedgerEntry } from '../domain/ledger.js';
import { OUTBOX_INSERT, outboxRows, type EventRequest, type OutboxEvent } from './outbox-store.js';

export function accountId(merchantId: string, currency: string, kind: AccountKind): string {
  return `${merchantId}:${currency}:${kind}`;
}

/** Parameters for LEDGER_CTES: accounts (3 arrays), intent/refund refs (2), transactions (3), postings (4). */
export function ledgerParams(
  merchantId: string,
  entries: readonly LedgerEntry[],
  refs: { paymentIntentId?: string; refundId?: string },
): unknown[] {
  const accounts = new Map<string, { currency: string; kind: AccountKind }>();
  const txIds: string[] = [];
  const txKinds: string[] = [];
  const txCurrencies: string[] = [];
  const pTx: string[] = [];
  const pLegs: number[] = [];
  const pAccounts: string[] = [];
  const pAmounts: string[] = [];
  for (const entry of entries) {
    const txId = entry.id ?? newId('txn');
    txIds.push(txId);
    txKinds.push(entry.kind);
    txCurrencies.push(entry.currency);
    for (const [leg, posting] of entry.postings.entries()) {
      const id = accountId(merchantId, entry.currency, posting.account);
      accounts.set(id, { currency: entry.currency, kind: posting.account });
      pTx.push(txId);
      pLegs.push(leg + 1);
      pAccounts.push(id);
      pAmounts.push(String(posting.amount));
    }
  }
  const accountRows = [...accounts.entries()];
  return [
    accountRows.map(([id]) => id),
    accountRows.map(([, a]) => a.currency),
    accountRows.map(([, a]) => a.kind),
    refs.paymentIntentId ?? null,
    refs.refundId ?? null,
    txIds,
    txKinds,
    txCurrencies,
    pTx,
    pLegs,
    pAccounts,
    pAmounts,
  ];
}

/**
 * How many rows each account's balance is spread over. Each database connection adds to its own shard, so
 * concurrent payments of one merchant rarely wait for each other's balance row (16 ≥ the pool size).
 */
const BALANCE_SHARDS = 16;

/**
 * Common table expressions inserting ledger accounts (on first use), transactions and postings, and adding
 * the postings to the accounts' balances, for a statement whose merchant id is parameter $m, whose
 * ledgerParams start at $f (12 parameters) and whose settlement delay in days is $d. A sale or capture
 * becomes available on its UTC day plus that delay (ADR 0032); created_at and available_on come from one
 * clock reading, so they always agree.
 */
export const LEDGER_CTES = (m: number, f: number, d: number) => `
  ledger_accounts_new AS (
    INSERT INTO ledger_accounts (id, merchant_id, currency, kind)
    SELECT a.id, $${m}, a.currency, a.kind FROM unnest($${f}::text[], $${f + 1}::text[], $${f + 2}::text[]) AS a(id, currency, kind)
    ON CONFLICT (id) DO NOTHING
  ), ledger_transactions_new AS (
    INSERT INTO ledger_transactions (id, merchant_id, kind, currency, payment_intent_id, refund_id, created_at, available_on)
    SELECT t.id, $${m}, t.kind, t.currency, $${f + 3}, $${f + 4}, clock.now,
           CASE WHEN t.kind IN ('sale', 'capture') THEN (clock.now AT TIME ZONE 'UTC')::date + $${d}::integer END
      FROM unnest($${f + 5}::text[], $${f + 6}::text[], $${f + 7}::text[]) AS t(id, kind, currency)
     CROSS JOIN (SELECT clock_timestamp() AS now) clock
  ), ledger_postings_new AS (
    INSERT INTO ledger_postings (transaction_id, leg, account_id, amount)
    SELECT p.tx, p.leg, p.account, p.amount
      FROM unnest($${f + 8}::text[], $${f + 9}::smallint[], $${f + 10}::text[], $${f + 11}::bigint[]) AS p(tx, leg, account, amount)
  ), ledger_balances_new AS (
    INSERT INTO ledger_balances AS b (account_id, shard, merchant_id, currency, kind, balance)
    SELECT a.id, (pg_backend_pid() % ${BALANCE_SHARDS})::smallint, $${m}, a.currency, a.kind, sum(p.amount)
      FROM unnest($${f}::text[], $${f + 1}::text[], $${f + 2}::text[]) AS a(id, currency, kind)
      JOIN unnest($${f + 10}::text[], $${f + 11}::bigint[]) AS p(account, amount) ON p.account = a.id
     GROUP BY a.id, a.currency, a.kind
     ORDER BY a.id -- rows locked in one order: two connections on one shard never deadlock
    ON CONFLICT (account_id, shard) DO UPDATE SET balance = b.balance + EXCLUDED.balance
  )`;

/**
 * Writes balanced entries and their outbox events in ONE statement (one round trip inside the caller's
 * transaction): accounts are created on first use, postings are insert-only. The domain has already checked
 * the balance; a deferred constraint trigger checks it again at commit.
 */
export async function writeEffects(
  tx: Queryable,
  merchantId: string,
  entries: readonly LedgerEntry[],
  refs: { paymentIntentId?: string; refundId?: string },
  events: readonly OutboxEvent[],
  request: EventRequest,
  settlementDelayDays: number,
): Promise<void> {
  if (entries.length === 0 && events.length === 0) return;
  await tx.query(`WITH ${LEDGER_CTES(1, 2, 16)} ${OUTBOX_INSERT(1, 14)}`, [
    merchantId,
    ...ledgerParams(merchantId, entries, refs),
    ...outboxRows(events, request),
    settlementDelayDays,
  ]);
}

export interface CurrencyBalance {
  readonly currency: string;
  readonly available: number;
  readonly pending: number;
}

/** A merchant's balances per currency, from the accounts' balance rows (a few rows per currency). */
export async function readMerchantBalance(db: Queryable, merchantId: string): Promise<CurrencyBalance[]> {
  const { rows } = await db.query<{ currency: string; kind: AccountKind; total: unknown }>(
    `SELECT currency, kind, sum(balance)::text AS total
       FROM ledger_balances WHERE merchant_id = $1
      GROUP BY currency, kind
      ORDER BY currency`,
    [merchantId],
  );
  const byCurrency = new Map<string, Partial<Record<AccountKind, number>>>();
  for (const row of rows) {
    const sums = byCurrency.get(row.currency) ?? {};
    sums[row.kind] = Number(row.total);
    byCurrency.set(row.currency, sums);
  }
  return [...byCurrency.entries()].map(([currency, sums]) => ({ currency, ...merchantBalance(sums) }));
}

/**
 * Accounts whose balance rows do not add up to the sum of their postings (empty when the ledger is
 * consistent): the invariant the tests and the benchmark check.
 */
export async function balanceDrift(
  db: Queryable,
): Promise<{ accountId: string; postings: string; balance: string }[]> {
  const { rows } = await db.query<{ account_id: string; postings: string; balance: string }>(
    `SELECT coalesce(p.account_id, b.account_id) AS account_id,
            coalesce(p.total, 0)::text AS postings, coalesce(b.total, 0)::text AS balance
       FROM (SELECT account_id, sum(amount) AS total FROM ledger_postings GROUP BY account_id) p
       FULL JOIN (SELECT account_id, sum(balance) AS total FROM ledger_balances GROUP BY account_id) b
         ON b.account_id = p.account_id
      WHERE coalesce(p.total, 0) <> coalesce(b.total, 0)
      ORDER BY 1`,
  );
  return rows.map((r) => ({ accountId: r.account_id, postings: r.postings, balance: r.balance }));
}
