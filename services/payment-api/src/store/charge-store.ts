import type { Queryable } from '../db/database.js';
import { toNumber } from '../db/database.js';
import type { Page, PageOf } from './keyset-page.js';
import { COLUMNS } from './payment-intent-store.js';
import { paymentIntentFromRow, type PaymentIntentRecord } from './records.js';
import type { Row } from './rows.js';

/**
 * A charge as stored: its payment intent (a charge is the intent's latest authorization attempt, ADR 0028),
 * the card it was made with, and its balance transaction once it captured money.
 */
export interface ChargeRecord {
  readonly id: string;
  readonly intent: PaymentIntentRecord;
  readonly card: {
    readonly brand: string;
    readonly last4: string;
    readonly expMonth: number;
    readonly expYear: number;
    readonly fingerprint: string;
  };
  readonly balanceTransaction: string | null;
}

/**
 * The filters of GET /v1/charges: parameter → the payment_intents column it must equal. Names are code,
 * never input; a new filter is one entry here and one parameter read in the route.
 */
export const CHARGE_FILTERS = { payment_intent: 'id', customer: 'customer_id' } as const;
export type ChargeFilters = { readonly [K in keyof typeof CHARGE_FILTERS]?: string };

function chargeFromRow(r: Row): ChargeRecord {
  const intent = paymentIntentFromRow(r);
  return {
    id: intent.latestCharge as string,
    intent,
    card: {
      brand: String(r.card_brand),
      last4: String(r.card_last4),
      expMonth: toNumber(r.card_exp_month),
      expYear: toNumber(r.card_exp_year),
      fingerprint: String(r.card_fingerprint),
    },
    balanceTransaction: (r.balance_transaction as string | null) ?? null,
  };
}

/** The charge's card and balance transaction, joined to the intents selected by `intents` (a subquery). */
const chargeSelect = (intents: string) => `
  SELECT pi.*, pm.brand AS card_brand, pm.last4 AS card_last4, pm.exp_month AS card_exp_month,
         pm.exp_year AS card_exp_year, pm.fingerprint AS card_fingerprint,
         (SELECT t.id FROM ledger_transactions t
           WHERE t.payment_intent_id = pi.id AND t.kind IN ('sale', 'capture') LIMIT 1) AS balance_transaction
    FROM (${intents}) pi JOIN payment_methods pm ON pm.id = pi.payment_method_id`;

export async function findCharge(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<ChargeRecord | null> {
  const { rows } = await db.query(
    chargeSelect(`SELECT ${COLUMNS} FROM payment_intents WHERE merchant_id = $1 AND latest_charge = $2`),
    [merchantId, id],
  );
  return rows[0] ? chargeFromRow(rows[0]) : null;
}

/** The payment intent a charge belongs to; null when the merchant has no such charge. */
export async function paymentIntentOfCharge(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM payment_intents WHERE merchant_id = $1 AND latest_charge = $2',
    [merchantId, id],
  );
  return rows[0]?.id ?? null;
}

/**
 * One page of charges, newest first (charge ids start with their time; compared in the C collation, as
 * the index orders them); null when the page's cursor is not one of the merchant's charges.
 */
export async function listCharges(
  db: Queryable,
  merchantId: string,
  page: Page,
  filters: ChargeFilters,
): Promise<PageOf<ChargeRecord> | null> {
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor && !(await paymentIntentOfCharge(db, merchantId, cursor))) return null;
  const before = page.endingBefore !== null && page.startingAfter === null;
  const params: unknown[] = [merchantId, page.limit + 1];
  const where = ['merchant_id = $1', 'latest_charge IS NOT NULL'];
  for (const [name, column] of Object.entries(CHARGE_FILTERS)) {
    const value = filters[name as keyof ChargeFilters];
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  if (cursor) {
    params.push(cursor);
    where.push(`latest_charge COLLATE "C" ${before ? '>' : '<'} $${params.length}`);
  }
  const order = `latest_charge COLLATE "C" ${before ? 'ASC' : 'DESC'}`;
  const { rows } = await db.query(
    `${chargeSelect(
      `SELECT ${COLUMNS} FROM payment_intents WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $2`,
    )} ORDER BY pi.${order}`,
    params,
  );
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  return { items: (before ? pageRows.reverse() : pageRows).map(chargeFromRow), hasMore };
}
