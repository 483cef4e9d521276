/**
 * Settlement rules (ADR 0032). Days are UTC calendar days, as Stripe's default start of day (00:00 UTC): a
 * capture's funds become available on its UTC day plus the settlement delay, and the run for day D makes
 * available everything due on or before D that no earlier run settled.
 */

/** A UTC calendar day as YYYY-MM-DD. */
export type SettlementDate = string & { readonly __brand: 'SettlementDate' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class SettlementDateError extends Error {}

/** The UTC day of an instant. */
export function utcDay(at: Date): SettlementDate {
  return at.toISOString().slice(0, 10) as SettlementDate;
}

/** The day `days` after (or, negative, before) `day`. */
export function addDays(day: SettlementDate, days: number): SettlementDate {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

/**
 * A settlement date given by a person or a caller: a real calendar day (YYYY-MM-DD) that is not after
 * today (UTC) — funds due on a future day cannot be settled yet.
 */
export function parseSettlementDate(raw: string, now: Date): SettlementDate {
  const match = DATE.exec(raw);
  const day = raw as SettlementDate;
  if (
    !match ||
    Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ||
    utcDay(new Date(`${raw}T00:00:00Z`)) !== day
  ) {
    throw new SettlementDateError(`"${raw}" is not a date; expected YYYY-MM-DD (a UTC calendar day)`);
  }
  const today = utcDay(now);
  if (day > today) {
    throw new SettlementDateError(
      `${raw} is in the future; a settlement run takes today (${today}) or an earlier day`,
    );
  }
  return day;
}

/** One balance transaction a run settled, as its report line shows it (amounts in minor units). */
export interface SettledLine {
  readonly id: string;
  readonly type: string;
  readonly created: Date;
  readonly availableOn: Date;
  readonly currency: string;
  readonly amount: number;
  readonly fee: number;
  readonly source: string;
}

/** A run's totals for one currency, and the ledger transaction that moved them (null for a zero net). */
export interface SettlementTotal {
  readonly currency: string;
  readonly count: number;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly ledgerTransactionId: string | null;
}

export const REPORT_COLUMNS = [
  'id',
  'type',
  'created',
  'available_on',
  'currency',
  'amount',
  'fee',
  'net',
  'source',
] as const;

/** RFC 4180 quoting, and a leading `'` on text a spreadsheet would run as a formula. */
function cell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const row = (cells: readonly (string | number)[]) => `${cells.map(cell).join(',')}\r\n`;

/** Totals per currency of the lines (sorted by currency), joined with the ledger transaction of each. */
export function totalsOf(
  lines: readonly SettledLine[],
  ledgerTransactions: ReadonlyMap<string, string | null>,
): SettlementTotal[] {
  const byCurrency = new Map<string, SettlementTotal>();
  for (const l of lines) {
    const t = byCurrency.get(l.currency) ?? {
      currency: l.currency,
      count: 0,
      amount: 0,
      fee: 0,
      net: 0,
      ledgerTransactionId: ledgerTransactions.get(l.currency) ?? null,
    };
    byCurrency.set(l.currency, {
      ...t,
      count: t.count + 1,
      amount: t.amount + l.amount,
      fee: t.fee + l.fee,
      net: t.net + l.amount - l.fee,
    });
  }
  return [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

/**
 * The settlement report of one merchant and day: a header, one line per settled balance transaction
 * (oldest first), then one `total` line per currency whose net is the amount of its settlement ledger
 * transaction, named in its `source` column. Amounts are in the currency's minor unit, as in the API.
 */
export function settlementReportCsv(
  date: SettlementDate,
  lines: readonly SettledLine[],
  totals: readonly SettlementTotal[],
): string {
  const sorted = [...lines].sort(
    (a, b) => a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : 1),
  );
  return [
    row(REPORT_COLUMNS),
    ...sorted.map((l) =>
      row([
        l.id,
        l.type,
        l.created.toISOString(),
        utcDay(l.availableOn),
        l.currency,
        l.amount,
        l.fee,
        l.amount - l.fee,
        l.source,
      ]),
    ),
    ...totals.map((t) =>
      row([
        'total',
        `${t.count} transactions`,
        '',
        date,
        t.currency,
        t.amount,
        t.fee,
        t.net,
        t.ledgerTransactionId ?? '',
      ]),
    ),
  ].join('');
}
