import type { Queryable } from '../db/database.js';
import { newId } from '../domain/ids.js';
import { merchantBalance, type AccountKind, type LedgerEntry } from '../domain/ledger.js';
import { outboxRows, type OutboxEvent } from './outbox-store.js';

export function accountId(merchantId: string, currency: string, kind: AccountKind): string {
  return `${merchantId}:${currency}:${kind}`;
}

/**
 * Writes balanced entries and their outbox events in ONE statement (one round trip inside the caller's
 * transaction): accounts are created on first use, postings are insert-only. The domain has already checked
 * the balance; a deferred constraint trigger checks it again at commit.
 */
export async function writeEffects(
  tx: Queryable,
  merchantId: string,
  entries: readonly LedgerEntry[],
  refs: { paymentIntentId: string; refundId?: string },
  events: readonly OutboxEvent[],
): Promise<void> {
  if (entries.length === 0 && events.length === 0) return;
  const accounts = new Map<string, { currency: string; kind: AccountKind }>();
  const txIds: string[] = [];
  const txKinds: string[] = [];
  const txCurrencies: string[] = [];
  const pIds: string[] = [];
  const pTx: string[] = [];
  const pAccounts: string[] = [];
  const pAmounts: string[] = [];
  for (const entry of entries) {
    const txId = newId('txn');
    txIds.push(txId);
    txKinds.push(entry.kind);
    txCurrencies.push(entry.currency);
    for (const posting of entry.postings) {
      const id = accountId(merchantId, entry.currency, posting.account);
      accounts.set(id, { currency: entry.currency, kind: posting.account });
      pIds.push(newId('pst'));
      pTx.push(txId);
      pAccounts.push(id);
      pAmounts.push(String(posting.amount));
    }
  }
  const accountRows = [...accounts.entries()];
  const outbox = outboxRows(events);
  await tx.query(
    `WITH accounts AS (
       INSERT INTO ledger_accounts (id, merchant_id, currency, kind)
       SELECT a.id, $1, a.currency, a.kind FROM unnest($2::text[], $3::text[], $4::text[]) AS a(id, currency, kind)
       ON CONFLICT (id) DO NOTHING
     ), transactions AS (
       INSERT INTO ledger_transactions (id, merchant_id, kind, currency, payment_intent_id, refund_id)
       SELECT t.id, $1, t.kind, t.currency, $5, $6
         FROM unnest($7::text[], $8::text[], $9::text[]) AS t(id, kind, currency)
     ), postings AS (
       INSERT INTO ledger_postings (id, transaction_id, account_id, amount)
       SELECT p.id, p.tx, p.account, p.amount
         FROM unnest($10::text[], $11::text[], $12::text[], $13::bigint[]) AS p(id, tx, account, amount)
     )
     INSERT INTO outbox (id, merchant_id, type, object_type, object_id, payload)
     SELECT e.id, $1, e.type, e.object_type, e.object_id, e.payload::jsonb
       FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::text[]) AS e(id, type, object_type, object_id, payload)`,
    [
      merchantId,
      accountRows.map(([id]) => id),
      accountRows.map(([, a]) => a.currency),
      accountRows.map(([, a]) => a.kind),
      refs.paymentIntentId,
      refs.refundId ?? null,
      txIds,
      txKinds,
      txCurrencies,
      pIds,
      pTx,
      pAccounts,
      pAmounts,
      ...outbox,
    ],
  );
}

export interface CurrencyBalance {
  readonly currency: string;
  readonly available: number;
  readonly pending: number;
}

export async function readMerchantBalance(db: Queryable, merchantId: string): Promise<CurrencyBalance[]> {
  const { rows } = await db.query<{ currency: string; kind: AccountKind; total: unknown }>(
    `SELECT a.currency, a.kind, coalesce(sum(p.amount), 0)::text AS total
       FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
      WHERE a.merchant_id = $1
      GROUP BY a.currency, a.kind
      ORDER BY a.currency`,
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
