import type { Queryable } from '../db/database.js';
import { toBuffer, toDate } from '../db/database.js';
import { keysetPages } from './keyset-page.js';
import type { Metadata } from './records.js';
import { ownedReader, type Row } from './rows.js';

export type EndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpointRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly url: string;
  readonly enabledEvents: readonly string[];
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly apiVersion: string | null;
  readonly status: EndpointStatus;
  /** The signing secret, sealed (app/webhook-secrets.ts); never leaves the service in clear but on create/roll. */
  readonly secretSealed: Buffer;
  readonly previousSecretSealed: Buffer | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly failingSince: Date | null;
  readonly created: Date;
  readonly deleted: boolean;
}

/** The fields an update sets (undefined: leave as is; null: unset). */
export interface EndpointFields {
  readonly url?: string;
  readonly enabledEvents?: readonly string[];
  readonly description?: string | null;
  readonly status?: EndpointStatus;
}

const COLUMNS = `id, merchant_id, url, enabled_events, description, metadata, api_version, status, secret_sealed,
  previous_secret_sealed, previous_secret_expires_at, failing_since, created_at, deleted_at`;

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const optionalDate = (value: unknown) => (value === null || value === undefined ? null : toDate(value));

export function endpointFromRow(r: Row): WebhookEndpointRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    url: String(r.url),
    enabledEvents: r.enabled_events as string[],
    description: (r.description as string | null) ?? null,
    metadata: json<Metadata>(r.metadata),
    apiVersion: (r.api_version as string | null) ?? null,
    status: r.status as EndpointStatus,
    secretSealed: toBuffer(r.secret_sealed),
    previousSecretSealed: r.previous_secret_sealed === null ? null : toBuffer(r.previous_secret_sealed),
    previousSecretExpiresAt: optionalDate(r.previous_secret_expires_at),
    failingSince: optionalDate(r.failing_since),
    created: toDate(r.created_at),
    deleted: r.deleted_at !== null,
  };
}

/** The merchant's endpoint, deleted or not; null when it has none of that id. */
export const findEndpoint = ownedReader('webhook_endpoints', COLUMNS, endpointFromRow);

/** Live endpoints, newest first. */
export const listEndpoints = keysetPages('webhook_endpoints', COLUMNS, endpointFromRow, 'deleted_at IS NULL');

export async function insertEndpoint(
  tx: Queryable,
  e: {
    id: string;
    merchantId: string;
    url: string;
    enabledEvents: readonly string[];
    description: string | null;
    metadata: Metadata;
    apiVersion: string | null;
    secretSealed: Buffer;
  },
): Promise<WebhookEndpointRecord> {
  const { rows } = await tx.query(
    `INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, description, metadata, api_version,
       secret_sealed)
     VALUES ($1, $2, $3, $4::text[], $5, $6::jsonb, $7, $8) RETURNING ${COLUMNS}`,
    [
      e.id,
      e.merchantId,
      e.url,
      [...e.enabledEvents],
      e.description,
      JSON.stringify(e.metadata),
      e.apiVersion,
      e.secretSealed,
    ],
  );
  return endpointFromRow(rows[0] as Row);
}

/**
 * Updates a live endpoint: each given field is set, metadata merged with Stripe's rules; enabling it again
 * clears its run of failures. Null when the merchant has no live endpoint of that id.
 */
export async function updateEndpoint(
  tx: Queryable,
  merchantId: string,
  id: string,
  fields: EndpointFields,
  metadata: { set: Metadata; unset: readonly string[] },
): Promise<WebhookEndpointRecord | null> {
  const params: unknown[] = [id, merchantId, JSON.stringify(metadata.set), [...metadata.unset]];
  const sets = ['metadata = (metadata || $3::jsonb) - $4::text[]'];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (fields.url !== undefined) set('url', fields.url);
  if (fields.enabledEvents !== undefined) set('enabled_events', [...fields.enabledEvents], '::text[]');
  if (fields.description !== undefined) set('description', fields.description);
  if (fields.status !== undefined) {
    set('status', fields.status);
    if (fields.status === 'enabled')
      sets.push(`failing_since = CASE WHEN status = 'disabled' THEN NULL ELSE failing_since END`);
  }
  const { rows } = await tx.query(
    `UPDATE webhook_endpoints SET ${sets.join(', ')}
      WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
      RETURNING ${COLUMNS}`,
    params,
  );
  return rows[0] ? endpointFromRow(rows[0]) : null;
}

/** Replaces the signing secret; the previous one keeps signing until `previousUntil` (none when null). */
export async function replaceEndpointSecret(
  tx: Queryable,
  merchantId: string,
  id: string,
  secretSealed: Buffer,
  previous: { sealed: Buffer; until: Date } | null,
): Promise<WebhookEndpointRecord | null> {
  const { rows } = await tx.query(
    `UPDATE webhook_endpoints
        SET secret_sealed = $3, previous_secret_sealed = $4, previous_secret_expires_at = $5::timestamptz
      WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
      RETURNING ${COLUMNS}`,
    [id, merchantId, secretSealed, previous?.sealed ?? null, previous?.until.toISOString() ?? null],
  );
  return rows[0] ? endpointFromRow(rows[0]) : null;
}

/** Deletes a live endpoint (its row stays for its deliveries' history; its secrets are erased). */
export async function deleteEndpoint(tx: Queryable, merchantId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE webhook_endpoints
        SET deleted_at = clock_timestamp(), secret_sealed = '\\x'::bytea, previous_secret_sealed = NULL,
            previous_secret_expires_at = NULL
      WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL`,
    [id, merchantId],
  );
  return rowCount > 0;
}

/** The merchant's enabled endpoints that subscribe to events of `type` (or to `*`). */
export async function subscribedEndpoints(
  db: Queryable,
  merchantId: string,
  type: string,
): Promise<WebhookEndpointRecord[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM webhook_endpoints
      WHERE merchant_id = $1 AND deleted_at IS NULL AND status = 'enabled'
        AND ($2 = ANY (enabled_events) OR '*' = ANY (enabled_events))
      ORDER BY created_at, id`,
    [merchantId, type],
  );
  return rows.map(endpointFromRow);
}

/**
 * Disables an endpoint that has failed throughout a delivery's attempts (its run of failures began no later
 * than the delivery's first attempt); null when it did not (a success came in between, or it is disabled).
 */
export async function disableIfFailingThroughout(
  tx: Queryable,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookEndpointRecord | null> {
  const { rows } = await tx.query(
    `UPDATE webhook_endpoints SET status = 'disabled'
      WHERE id = $1 AND status = 'enabled' AND deleted_at IS NULL AND failing_since IS NOT NULL
        AND failing_since <= (SELECT min(attempted_at) FROM webhook_attempts WHERE delivery_id = $2)
      RETURNING ${COLUMNS}`,
    [endpointId, deliveryId],
  );
  return rows[0] ? endpointFromRow(rows[0]) : null;
}
