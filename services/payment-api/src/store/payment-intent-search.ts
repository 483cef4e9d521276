import type { Queryable } from '../db/database.js';
import { DomainError } from '../domain/errors.js';
import type { SearchClause, SearchQuery } from '../domain/search-query.js';
import { COLUMNS } from './payment-intent-store.js';
import { paymentIntentFromRow, type PaymentIntentRecord } from './records.js';

/**
 * The searchable fields of a payment intent: field → its SQL expression and value kind. Names are code,
 * never input; a new field is one entry.
 */
const FIELDS: Readonly<Record<string, { sql: (key?: string) => string; kind: 'text' | 'number' | 'time' }>> =
  {
    status: { sql: () => 'status', kind: 'text' },
    currency: { sql: () => 'currency', kind: 'text' },
    customer: { sql: () => 'customer_id', kind: 'text' },
    amount: { sql: () => 'amount', kind: 'number' },
    created: { sql: () => 'created_at', kind: 'time' },
    metadata: { sql: () => 'metadata ->> $KEY', kind: 'text' },
  };

const SQL_OPERATORS = { ':': '=', '>': '>', '<': '<', '>=': '>=', '<=': '<=' } as const;

function condition(c: SearchClause, params: unknown[]): string {
  const field = FIELDS[c.field];
  if (!field) {
    throw new DomainError(
      'parameter_invalid_string',
      `Field '${c.field}' is not searchable on payment intents; use one of ${Object.keys(FIELDS).join(', ')}.`,
      'query',
    );
  }
  if ((c.field === 'metadata') !== (c.key !== undefined)) {
    throw new DomainError('parameter_invalid_string', "Search metadata as metadata['key']:'value'.", 'query');
  }
  if (field.kind === 'text' && c.operator !== ':') {
    throw new DomainError('parameter_invalid_string', `Field '${c.field}' supports only ':'.`, 'query');
  }
  if (field.kind !== 'text' && typeof c.value !== 'number') {
    throw new DomainError('parameter_invalid_string', `Field '${c.field}' takes a number.`, 'query');
  }
  let column = field.sql();
  if (c.key !== undefined) {
    params.push(c.key);
    column = column.replace('$KEY', `$${params.length}`);
  }
  // status and currency match case-insensitively; metadata values exactly
  // ids and metadata values are case-sensitive; status and currency are not
  const folded = field.kind === 'text' && c.field !== 'metadata' && c.field !== 'customer';
  params.push(folded ? String(c.value).toLowerCase() : field.kind === 'text' ? String(c.value) : c.value);
  const value = field.kind === 'time' ? `to_timestamp($${params.length})` : `$${params.length}`;
  const compared = folded ? `lower(${column})` : column;
  const test = `${compared} ${SQL_OPERATORS[c.operator]} ${value}`;
  return c.negated ? `NOT coalesce(${test}, false)` : `coalesce(${test}, false)`;
}

/**
 * One page of the merchant's payment intents matching `query`, newest first; `after` is the last id of the
 * previous page (Stripe's `next_page`).
 */
export async function searchPaymentIntents(
  db: Queryable,
  merchantId: string,
  query: SearchQuery,
  limit: number,
  after: string | null,
): Promise<{ items: PaymentIntentRecord[]; hasMore: boolean }> {
  const params: unknown[] = [merchantId, limit + 1];
  const conditions = query.clauses.map((c) => condition(c, params));
  let cursor = '';
  if (after) {
    params.push(after);
    cursor = `AND (created_at, id) < (SELECT created_at, id FROM payment_intents WHERE id = $${params.length} AND merchant_id = $1)`;
  }
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM payment_intents
      WHERE merchant_id = $1 AND (${conditions.join(` ${query.join} `)}) ${cursor}
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  const hasMore = rows.length > limit;
  return { items: rows.slice(0, limit).map(paymentIntentFromRow), hasMore };
}
