import type { Queryable } from '../db/database.js';
import type { LedgerEntry } from '../domain/ledger.js';
import type { PaymentIntentState } from '../domain/payment-intent.js';
import { AUDIT_INSERT, auditParams, type AuditEvent } from './audit-store.js';
import type { StoredResponse } from './idempotency-store.js';
import { keysetPages } from './keyset-page.js';
import { LEDGER_CTES, ledgerParams } from './ledger-store.js';
import { OUTBOX_INSERT, outboxRows, type OutboxEvent } from './outbox-store.js';
import { paymentIntentFromRow, type PaymentIntentRecord } from './records.js';
import { ownedReader } from './rows.js';

const COLUMNS = `id, merchant_id, amount, currency, status, capture_method, payment_method_id, amount_capturable,
  amount_received, amount_refunded, latest_charge, authorization_id, client_secret, description, metadata,
  last_payment_error, cancellation_reason, canceled_at, created_at`;

export const findPaymentIntent = ownedReader('payment_intents', COLUMNS, paymentIntentFromRow);

/** Locks the payment intent row for the rest of the transaction; null when the merchant has no such intent. */
export const lockPaymentIntent = ownedReader('payment_intents', COLUMNS, paymentIntentFromRow, 'FOR UPDATE');

/** What a transition sets besides the state machine's fields. */
export interface IntentChanges {
  readonly latestCharge?: string;
  readonly authorizationId?: string;
  /** Stamps canceled_at. */
  readonly canceled?: boolean;
}

/** Writes the next state of a locked intent (one UPDATE) and returns the intent as stored. */
export async function updatePaymentIntent(
  tx: Queryable,
  intent: { readonly id: string; readonly merchantId: string },
  next: PaymentIntentState,
  changes: IntentChanges,
): Promise<PaymentIntentRecord> {
  const { rows } = await tx.query(
    `UPDATE payment_intents
        SET status = $3, payment_method_id = $4, amount_capturable = $5, amount_received = $6, amount_refunded = $7,
            last_payment_error = $8::jsonb, cancellation_reason = $9, latest_charge = coalesce($10, latest_charge),
            authorization_id = coalesce($11, authorization_id),
            canceled_at = CASE WHEN $12 THEN clock_timestamp() ELSE canceled_at END, updated_at = clock_timestamp()
      WHERE id = $1 AND merchant_id = $2
      RETURNING ${COLUMNS}`,
    [
      intent.id,
      intent.merchantId,
      next.status,
      next.paymentMethodId,
      next.amountCapturable,
      next.amountReceived,
      next.amountRefunded,
      next.lastPaymentError ? JSON.stringify(next.lastPaymentError) : null,
      next.cancellationReason,
      changes.latestCharge ?? null,
      changes.authorizationId ?? null,
      changes.canceled ?? false,
    ],
  );
  return paymentIntentFromRow(rows[0] as Record<string, unknown>);
}

/** Newest first; null when the page's cursor is not one of the merchant's payment intents. */
export const listPaymentIntents = keysetPages('payment_intents', COLUMNS, paymentIntentFromRow);

/**
 * Inserts a new payment intent in its final state together with everything its creation (and confirmation)
 * writes — ledger postings, outbox events, audit records and the idempotent response — as ONE statement,
 * hence one round trip and one atomic transaction. Nobody else can reach an intent that does not exist yet,
 * so no row lock is needed while the acquirer is called beforehand.
 */
export async function insertIntentWithEffects(
  db: Queryable,
  pi: PaymentIntentRecord,
  entries: readonly LedgerEntry[],
  events: readonly OutboxEvent[],
  audit: readonly AuditEvent[],
  response: StoredResponse | null,
): Promise<void> {
  const intent = [
    pi.id,
    pi.amount,
    pi.currency,
    pi.status,
    pi.captureMethod,
    pi.paymentMethodId,
    pi.amountCapturable,
    pi.amountReceived,
    pi.latestCharge,
    pi.authorizationId,
    pi.clientSecret,
    pi.description,
    JSON.stringify(pi.metadata),
    pi.lastPaymentError ? JSON.stringify(pi.lastPaymentError) : null,
    pi.created,
  ];
  const completion = [response?.key ?? null, response?.status ?? null, response?.body ?? null];
  // $1 merchant, $2–$16 intent, $17–$28 ledger, $29–$30 outbox, $31–$33 response, $34–$43 audit
  await db.query(
    `WITH intent AS (
       INSERT INTO payment_intents (id, merchant_id, amount, currency, status, capture_method, payment_method_id,
                                    amount_capturable, amount_received, latest_charge, authorization_id, client_secret,
                                    description, metadata, last_payment_error, created_at, updated_at)
       VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16, $16)
       RETURNING id
     ), ${LEDGER_CTES(1, 17)}, outbox_new AS (${OUTBOX_INSERT(1, 29)}
     ), idempotency_done AS (
       UPDATE idempotency_keys
          SET state = 'completed', response_status = $32, response_body = $33, completed_at = clock_timestamp()
        WHERE merchant_id = $1 AND key = $31
     ), audit_new AS (${AUDIT_INSERT(34)})
     SELECT id FROM intent`,
    [
      pi.merchantId,
      ...intent,
      ...ledgerParams(pi.merchantId, entries, { paymentIntentId: pi.id }),
      ...outboxRows(events),
      ...completion,
      ...auditParams(audit),
    ],
    'tessera_insert_intent_with_effects',
  );
}
