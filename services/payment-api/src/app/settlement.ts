import type { Database } from '../db/database.js';
import type { DocumentStore } from '../documents/document-store.js';
import type { Currency } from '../domain/currency.js';
import { newId } from '../domain/ids.js';
import { settlementEntry, type LedgerEntry } from '../domain/ledger.js';
import {
  addDays,
  settlementReportCsv,
  totalsOf,
  type SettlementDate,
  type SettlementTotal,
} from '../domain/settlement.js';
import { appendAudit } from '../store/audit-store.js';
import { listSettledOnDay } from '../store/balance-transaction-store.js';
import { writeEffects } from '../store/ledger-store.js';
import { findMerchants, merchantExists } from '../store/merchant-store.js';
import { SERVICE_REQUEST } from '../store/outbox-store.js';
import {
  dueTransactions,
  insertSettlementRun,
  lockMerchantSettlement,
  runsOfDay,
  settledCurrencies,
  type DueTransaction,
  type RunTotals,
} from '../store/settlement-store.js';
import { auditEvents, auditRecord } from './audit.js';

/** What settlement works with: the database and where its reports go. */
export interface SettlementDeps {
  readonly db: Database;
  readonly documents: DocumentStore;
}

/**
 * How far back a run looks for due transactions. A transaction is due on its available_on day and is picked
 * up by that day's run or, if that run happened before the transaction existed (a delay of 0 and a run of
 * today), by the next day's: never much later, so a bounded window keeps a run's cost independent of the
 * merchant's history.
 */
export const SETTLEMENT_LOOKBACK_DAYS = 31;

export interface MerchantSettlement {
  readonly merchantId: string;
  readonly date: SettlementDate;
  /** The day's runs per currency (those of an earlier run of the day included). */
  readonly totals: readonly SettlementTotal[];
  /** True when this call settled something (false on a re-run, or when nothing was due). */
  readonly settledNow: boolean;
  /** Where the day's report is, and whether this call wrote it; null when the day settled nothing. */
  readonly report: { readonly location: string; readonly outcome: 'written' | 'exists' } | null;
}

export class UnknownMerchantError extends Error {}

export const reportKey = (merchantId: string, date: SettlementDate) =>
  `settlements/${merchantId}/${date}.csv`;

/**
 * Settles one merchant's day: in ONE transaction, every sale and capture due on or before `date` and not yet
 * settled moves from pending to available — one balanced settlement ledger entry per currency — and the run
 * is recorded per (merchant, date, currency). A currency the day already settled is left alone, so re-running
 * a day changes nothing; runs of one merchant are serialized (advisory lock), and the unique constraint backs
 * it. The report is then written if absent (also on a re-run, so a crash between the two is repaired).
 */
export async function settleMerchantDay(
  deps: SettlementDeps,
  merchantId: string,
  date: SettlementDate,
  actor: string,
): Promise<MerchantSettlement> {
  const settledNow = await deps.db.transaction(async (tx) => {
    await lockMerchantSettlement(tx, merchantId);
    const done = await settledCurrencies(tx, merchantId, date);
    const due = (
      await dueTransactions(tx, merchantId, addDays(date, -SETTLEMENT_LOOKBACK_DAYS), date)
    ).filter((t) => !done.has(t.currency));
    if (due.length === 0) return false;
    const byCurrency = new Map<string, DueTransaction[]>();
    for (const t of due) byCurrency.set(t.currency, [...(byCurrency.get(t.currency) ?? []), t]);
    const runs: { totals: RunTotals; members: readonly DueTransaction[] }[] = [];
    const entries: LedgerEntry[] = [];
    for (const [currency, members] of byCurrency) {
      const amount = members.reduce((sum, t) => sum + t.amount, 0);
      const fee = members.reduce((sum, t) => sum + t.fee, 0);
      const entry = settlementEntry(amount - fee, currency as Currency);
      const transactionId = entry ? newId('txn') : null;
      if (entry) entries.push({ ...entry, id: transactionId as string });
      runs.push({
        totals: { currency, count: members.length, amount, fee, net: amount - fee, transactionId },
        members,
      });
    }
    await writeEffects(tx, merchantId, entries, {}, [], SERVICE_REQUEST, 0);
    for (const run of runs) {
      const ids = run.members.map((t) => t.id);
      if (!(await insertSettlementRun(tx, merchantId, date, run.totals, ids))) {
        // the lock makes this unreachable; if it ever is, the whole run rolls back rather than half-settle
        throw new Error(`settlement of ${merchantId} on ${date} (${run.totals.currency}) already recorded`);
      }
    }
    await appendAudit(
      tx,
      auditEvents({ merchantId, actor }, [
        auditRecord('settlement.run', {
          merchantId,
          date,
          currencies: runs.map((r) => ({
            currency: r.totals.currency,
            count: r.totals.count,
            net: r.totals.net,
          })),
        }),
      ]),
    );
    return true;
  });
  const { totals, report } = await writeReport(deps, merchantId, date);
  return { merchantId, date, totals, settledNow, report };
}

/**
 * Builds the day's report from what the runs recorded and writes it unless it exists. Its totals must equal
 * the runs' (which equal their ledger entries): a mismatch is an integrity failure, never a report.
 */
async function writeReport(deps: SettlementDeps, merchantId: string, date: SettlementDate) {
  const runs = await runsOfDay(deps.db, merchantId, date);
  if (runs.length === 0) return { totals: [], report: null };
  const lines = await listSettledOnDay(deps.db, merchantId, date);
  const totals = totalsOf(lines, new Map(runs.map((r) => [r.currency, r.transactionId])));
  for (const run of runs) {
    const total = totals.find((t) => t.currency === run.currency);
    if (!total || total.count !== run.count || total.net !== run.net || total.amount !== run.amount) {
      throw new Error(
        `settlement report of ${merchantId} on ${date} does not reconcile with its ${run.currency} run`,
      );
    }
  }
  const key = reportKey(merchantId, date);
  const outcome = await deps.documents.putIfAbsent(key, settlementReportCsv(date, lines, totals), 'text/csv');
  return { totals, report: { location: deps.documents.locationOf(key), outcome } };
}

/** Settles `date` for one merchant, or for every merchant when none is named. */
export async function settleDay(
  deps: SettlementDeps,
  date: SettlementDate,
  actor: string,
  merchantId?: string,
): Promise<MerchantSettlement[]> {
  if (merchantId !== undefined && !(await merchantExists(deps.db, merchantId))) {
    throw new UnknownMerchantError(`merchant ${merchantId} does not exist`);
  }
  const merchants = merchantId !== undefined ? [merchantId] : (await findMerchants(deps.db)).map((m) => m.id);
  const results: MerchantSettlement[] = [];
  for (const id of merchants) results.push(await settleMerchantDay(deps, id, date, actor));
  return results;
}
