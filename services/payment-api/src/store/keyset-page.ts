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

/** One page of a merchant's objects, newest first; null when the cursor is not one of the merchant's. */
export type PageReader<T> = (db: Queryable, merchantId: string, page: Page) => Promise<PageOf<T> | null>;

/**
 * A reader of pages of `table` by keyset pagination over (created_at, id), as Stripe lists do. The cursor's
 * timestamp is compared inside SQL so its microseconds are not lost in a JavaScript Date.
 */
export function keysetPages<T>(
  table: MerchantTable,
  columns: string,
  fromRow: (row: Row) => T,
): PageReader<T> {
  const cursorExists = ownedReader(table, '1', () => true);
  const cursorClause = (op: '<' | '>') =>
    `AND (created_at, id) ${op} (SELECT created_at, id FROM ${table} WHERE id = $3 AND merchant_id = $1)`;
  return async (db, merchantId, page) => {
    const cursor = page.startingAfter ?? page.endingBefore;
    if (cursor && !(await cursorExists(db, merchantId, cursor))) return null;
    const before = page.endingBefore !== null && page.startingAfter === null;
    const { rows } = await db.query(
      `SELECT ${columns} FROM ${table}
        WHERE merchant_id = $1 ${cursor ? cursorClause(before ? '>' : '<') : ''}
        ORDER BY created_at ${before ? 'ASC' : 'DESC'}, id ${before ? 'ASC' : 'DESC'}
        LIMIT $2`,
      cursor ? [merchantId, page.limit + 1, cursor] : [merchantId, page.limit + 1],
    );
    const hasMore = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    return { items: (before ? pageRows.reverse() : pageRows).map(fromRow), hasMore };
  };
}
