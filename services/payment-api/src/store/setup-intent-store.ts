import type { Queryable } from '../db/database.js';
import { toDate } from '../db/database.js';
import type { PaymentError } from '../domain/payment-intent.js';
import { keysetPages } from './keyset-page.js';
import type { Metadata } from './records.js';
import { ownedReader, type Row } from './rows.js';

export type SetupIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'canceled'
  | 'succeeded';
export type SetupIntentUsage = 'on_session' | 'off_session';

export interface SetupIntentRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly status: SetupIntentStatus;
  readonly usage: SetupIntentUsage;
  readonly customerId: string | null;
  readonly paymentMethodId: string | null;
  readonly clientSecret: string;
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly lastSetupError: PaymentError | null;
  readonly cancellationReason: string | null;
  readonly created: Date;
}

const COLUMNS = `id, merchant_id, status, usage, customer_id, payment_method_id, client_secret, description, metadata,
  last_setup_error, cancellation_reason, created_at`;

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function setupIntentFromRow(r: Row): SetupIntentRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    status: r.status as SetupIntentStatus,
    usage: r.usage as SetupIntentUsage,
    customerId: (r.customer_id as string | null) ?? null,
    paymentMethodId: (r.payment_method_id as string | null) ?? null,
    clientSecret: String(r.client_secret),
    description: (r.description as string | null) ?? null,
    metadata: json<Metadata>(r.metadata),
    lastSetupError: r.last_setup_error === null ? null : json<PaymentError>(r.last_setup_error),
    cancellationReason: (r.cancellation_reason as string | null) ?? null,
    created: toDate(r.created_at),
  };
}

export const findSetupIntent = ownedReader('setup_intents', COLUMNS, setupIntentFromRow);

/** Newest first; the filter takes `customer_id`. */
export const listSetupIntents = keysetPages('setup_intents', COLUMNS, setupIntentFromRow);

export async function insertSetupIntent(tx: Queryable, si: SetupIntentRecord): Promise<SetupIntentRecord> {
  const { rows } = await tx.query(
    `INSERT INTO setup_intents (id, merchant_id, status, usage, customer_id, payment_method_id, client_secret,
                                description, metadata, last_setup_error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb) RETURNING ${COLUMNS}`,
    [
      si.id,
      si.merchantId,
      si.status,
      si.usage,
      si.customerId,
      si.paymentMethodId,
      si.clientSecret,
      si.description,
      JSON.stringify(si.metadata),
      si.lastSetupError ? JSON.stringify(si.lastSetupError) : null,
    ],
  );
  return setupIntentFromRow(rows[0] as Row);
}

/**
 * Moves a setup intent from one of `from` to its next state (one conditional UPDATE: of two concurrent
 * changes one wins); null when it is no longer in one of `from`.
 */
export async function moveSetupIntent(
  tx: Queryable,
  merchantId: string,
  id: string,
  from: readonly SetupIntentStatus[],
  next: {
    status: SetupIntentStatus;
    paymentMethodId: string | null;
    lastSetupError: PaymentError | null;
    cancellationReason?: string | null;
  },
): Promise<SetupIntentRecord | null> {
  const { rows } = await tx.query(
    `UPDATE setup_intents
        SET status = $4, payment_method_id = $5, last_setup_error = $6::jsonb,
            cancellation_reason = coalesce($7, cancellation_reason)
      WHERE id = $1 AND merchant_id = $2 AND status = ANY($3::text[])
      RETURNING ${COLUMNS}`,
    [
      id,
      merchantId,
      [...from],
      next.status,
      next.paymentMethodId,
      next.lastSetupError ? JSON.stringify(next.lastSetupError) : null,
      next.cancellationReason ?? null,
    ],
  );
  return rows[0] ? setupIntentFromRow(rows[0]) : null;
}
