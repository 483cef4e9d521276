import type { Queryable } from '../db/database.js';

export type Row = Record<string, unknown>;
/** The merchant-owned tables (each has `id` and `merchant_id`). Names are code, never input. */
export type MerchantTable =
  | 'payment_intents'
  | 'payment_methods'
  | 'refunds'
  | 'customers'
  | 'card_tokens'
  | 'setup_intents'
  | 'webhook_endpoints'
  | 'webhook_deliveries';

/** Reads one merchant-owned object by id: null when the merchant has none (another merchant's never counts). */
export type OwnedReader<T> = (db: Queryable, merchantId: string, id: string) => Promise<T | null>;

/** A reader of `table`'s rows as `fromRow` maps them. */
export function ownedReader<T>(
  table: MerchantTable,
  columns: string,
  fromRow: (row: Row) => T,
): OwnedReader<T> {
  const text = `SELECT ${columns} FROM ${table} WHERE id = $1 AND merchant_id = $2`;
  return async (db, merchantId, id) => {
    const { rows } = await db.query(text, [id, merchantId]);
    return rows[0] ? fromRow(rows[0]) : null;
  };
}

/** Inserts one row from column → value pairs and returns `returning` of it. */
export async function insertRow(
  tx: Queryable,
  table: MerchantTable,
  values: Readonly<Record<string, unknown>>,
  returning: string,
): Promise<Row> {
  const columns = Object.keys(values);
  const { rows } = await tx.query(
    `INSERT INTO ${table} (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${returning}`,
    Object.values(values),
  );
  return rows[0] as Row;
}
