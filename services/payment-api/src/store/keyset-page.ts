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
 * Equality filters of a list: column → value (a null value is no filter). Column names are code (a route's
 * table of filters), never input; values are bound parameters.
 */
export type ColumnFilters = Readonly<Record<string, string | null>>;

/** Stripe's `created` filter: bounds in Unix seconds. */
export interface CreatedRange {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

/**
 * Each bound as a comparison of created_at with a whole second: `created` is in seconds, so `gt: N` means
 * from second N + 1 on and `lte: N` up to the end of second N (and the list index still serves the range).
 */
const CREATED_BOUNDS = { gt: ['>=', 1], gte: ['>=', 0], lt: ['<', 0], lte: ['<', 1] } as const;

/** One page of a merchant's objects, newest first; null when the cursor is not one of the merchant's. */
export type PageReader<T> = (
  db: Queryable,
  merchantId: string,
  page: Page,
  filters?: ColumnFilters,
  created?: CreatedRange,
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
  const cursorClause = (op: '<' | '>') =>
    `AND (created_at, id) ${op} (SELECT created_at, id FROM ${table} WHERE id = $3 AND merchant_id = $1)`;
  return async (db, merchantId, page, filters = {}, created = {}) => {
    const cursor = page.startingAfter ?? page.endingBefore;
    if (cursor && !(await cursorExists(db, merchantId, cursor))) return null;
    const before = page.endingBefore !== null && page.startingAfter === null;
    const params: unknown[] = cursor ? [merchantId, page.limit + 1, cursor] : [merchantId, page.limit + 1];
    const filtered = Object.entries(filters)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([column, value]) => {
        params.push(value);
        return `AND ${column} = $${params.length}`;
      });
    for (const [bound, [op, shift]] of Object.entries(CREATED_BOUNDS)) {
      const value = created[bound as keyof CreatedRange];
      if (value === undefined) continue;
      params.push(value + shift);
      filtered.push(`AND created_at ${op} to_timestamp($${params.length})`);
    }
    const { rows } = await db.query(
      `SELECT ${columns} FROM ${table}
        WHERE merchant_id = $1 AND ${always} ${cursor ? cursorClause(before ? '>' : '<') : ''}
        ${filtered.join(' ')}
        ORDER BY created_at ${before ? 'ASC' : 'DESC'}, id ${before ? 'ASC' : 'DESC'}
        LIMIT $2`,
      params,
    );
    const hasMore = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    return { items: (before ? pageRows.reverse() : pageRows).map(fromRow), hasMore };
  };
}
