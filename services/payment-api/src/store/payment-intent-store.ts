import type { Queryable } from '../db/database.js';
import type { LedgerEntry } from '../domain/ledger.js';
import type { StoredResponse } from '../app/context.js';
import { AUDIT_INSERT, auditParams, type AuditEvent } from './audit-store.js';
import { LEDGER_CTES, ledgerParams } from './ledger-store.js';
import { OUTBOX_INSERT, outboxRows, type OutboxEvent } from './outbox-store.js';
import type { PaymentIntentRecord } from './records.js';

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
