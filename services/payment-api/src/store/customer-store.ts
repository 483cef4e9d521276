import type { Queryable } from '../db/database.js';
import { toDate } from '../db/database.js';
import { keysetPages } from './keyset-page.js';
import type { Metadata } from './records.js';
import { ownedReader, type Row } from './rows.js';

/** Stripe's address hash (every key optional, null when unset). */
export type Address = Readonly<Record<string, string | null>>;

export interface CustomerRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
  readonly description: string | null;
  readonly address: Address | null;
  readonly metadata: Metadata;
  readonly invoicePrefix: string;
  readonly deleted: boolean;
  readonly created: Date;
}

/** The fields a create or update sets (undefined: leave as is; null: unset). */
export interface CustomerFields {
  readonly email?: string | null;
  readonly name?: string | null;
  readonly phone?: string | null;
  readonly description?: string | null;
  readonly address?: Address | null;
}

const COLUMNS =
  'id, merchant_id, email, name, phone, description, address, metadata, invoice_prefix, deleted_at, created_at';

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function customerFromRow(r: Row): CustomerRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    email: (r.email as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    description: (r.description as string | null) ?? null,
    address: r.address === null ? null : json<Address>(r.address),
    metadata: json<Metadata>(r.metadata),
    invoicePrefix: String(r.invoice_prefix),
    deleted: r.deleted_at !== null,
    created: toDate(r.created_at),
  };
}

/** The merchant's customer, deleted or not; null when there is none. */
export const findCustomer = ownedReader('customers', COLUMNS, customerFromRow);

/** Live customers, newest first; the filter takes `email`. */
export const listCustomers = keysetPages('customers', COLUMNS, customerFromRow, 'deleted_at IS NULL');

export async function insertCustomer(
  tx: Queryable,
  c: { id: string; merchantId: string; invoicePrefix: string; metadata: Metadata; fields: CustomerFields },
): Promise<CustomerRecord> {
  const { rows } = await tx.query(
    `INSERT INTO customers (id, merchant_id, email, name, phone, description, address, metadata, invoice_prefix)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9) RETURNING ${COLUMNS}`,
    [
      c.id,
      c.merchantId,
      c.fields.email ?? null,
      c.fields.name ?? null,
      c.fields.phone ?? null,
      c.fields.description ?? null,
      c.fields.address ? JSON.stringify(c.fields.address) : null,
      JSON.stringify(c.metadata),
      c.invoicePrefix,
    ],
  );
  return customerFromRow(rows[0] as Row);
}

/**
 * Updates a live customer: each given field is set, metadata is merged with Stripe's rules (an empty string
 * unsets a key; `unset` lists them). Null when the merchant has no live customer of that id.
 */
export async function updateCustomer(
  tx: Queryable,
  merchantId: string,
  id: string,
  fields: CustomerFields,
  metadata: { set: Metadata; unset: readonly string[] },
): Promise<CustomerRecord | null> {
  const columns = ['email', 'name', 'phone', 'description', 'address'] as const;
  const params: unknown[] = [id, merchantId, JSON.stringify(metadata.set), [...metadata.unset]];
  const sets = columns
    .filter((c) => fields[c] !== undefined)
    .map((c) => {
      const value = fields[c];
      params.push(c === 'address' && value ? JSON.stringify(value) : value);
      return `${c} = $${params.length}${c === 'address' ? '::jsonb' : ''}`;
    });
  const { rows } = await tx.query(
    `UPDATE customers SET ${[...sets, 'metadata = (metadata || $3::jsonb) - $4::text[]'].join(', ')}
      WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
      RETURNING ${COLUMNS}`,
    params,
  );
  return rows[0] ? customerFromRow(rows[0]) : null;
}

/**
 * Deletes a live customer (its personal fields are cleared, the row stays for the deleted stub) and detaches
 * its payment methods, in the caller's transaction: how many it detached, null when there is no live customer
 * of that id.
 */
export async function deleteCustomer(tx: Queryable, merchantId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE customers
        SET deleted_at = clock_timestamp(), email = NULL, name = NULL, phone = NULL, description = NULL,
            address = NULL, metadata = '{}'
      WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL`,
    [id, merchantId],
  );
  return rowCount > 0;
}
