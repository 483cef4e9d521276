import type { Queryable } from '../db/database.js';
import { ownedReader, type MerchantTable, type Row } from './rows.js';

/** A page request of a Stripe list: at most one of the two cursors is set. */
export interface Page {
  readonly limit: number;
  readonly startingAfter: string | null;
  readonly endingBefore: string | null;
}

export interface PageOf<T> {
  readonly items: T[];
  readonly hasMore: boolean;
}

/**
 * Equality filters of a list (column → value; a null value is no filter). Column names are code, never
 * input; values are bound parameters.
 */
export type ListFilter = Readonly<Record<string, string | null>>;

/** One page of a merchant's objects, newest first; null when the cursor is not one of the merchant's. */
export type PageReader<T> = (
  db: Queryable,
  merchantId: string,
  page: Page,
  filter?: ListFilter,
) => Promise<PageOf<T> | null>;

/**
 * A reader of pages of `table` by keyset pagination over (created_at, id), as Stripe lists do. The cursor's
 * timestamp is compared inside SQL so its microseconds are not lost in a JavaScript Date. `always` is a
 * fixed condition every row of the list meets (code, never input).
 */
export function keysetPages<T>(
  table: MerchantTable,
  columns: string,
  fromRow: (row: Row) => T,
  always = 'true',
): PageReader<T> {
  const cursorExists = ownedReader(table, '1', () => true);
  const cursorClause = (op: '<' | '>', n: number) =>
    `AND (created_at, id) ${op} (SELECT created_at, id FROM ${table} WHERE id = $${n} AND merchant_id = $1)`;
  return async (db, merchantId, page, filter = {}) => {
    const cursor = page.startingAfter ?? page.endingBefore;
    if (cursor && !(await cursorExists(db, merchantId, cursor))) return null;
    const before = page.endingBefore !== null && page.startingAfter === null;
    const params: unknown[] = [merchantId, page.limit + 1];
    const conditions = Object.entries(filter)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([column, value]) => {
        params.push(value);
        return `AND ${column} = $${params.length}`;
      });
    if (cursor) params.push(cursor);
    const { rows } = await db.query(
      `SELECT ${columns} FROM ${table}
        WHERE merchant_id = $1 AND ${always} ${conditions.join(' ')}
              ${cursor ? cursorClause(before ? '>' : '<', params.length) : ''}
        ORDER BY created_at ${before ? 'ASC' : 'DESC'}, id ${before ? 'ASC' : 'DESC'}
        LIMIT $2`,
      params,
    );
    const hasMore = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    return { items: (before ? pageRows.reverse() : pageRows).map(fromRow), hasMore };
  };
}
