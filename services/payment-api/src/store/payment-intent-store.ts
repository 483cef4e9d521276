import type { CvcCheck } from '../acquirer/index.js';
import type { Queryable } from '../db/database.js';
import type { LedgerEntry } from '../domain/ledger.js';
import type { AuthenticationState, PaymentIntentState } from '../domain/payment-intent.js';
import { AUDIT_INSERT, auditParams, type AuditEvent } from './audit-store.js';
import type { StoredResponse } from './idempotency-store.js';
import { keysetPages } from './keyset-page.js';
import { LEDGER_CTES, ledgerParams } from './ledger-store.js';
import { OUTBOX_INSERT, outboxRows, type EventRequest, type OutboxEvent } from './outbox-store.js';
import { paymentIntentFromRow, type PaymentIntentRecord, type SetupFutureUsage } from './records.js';
import { ownedReader } from './rows.js';

/** The columns every read of an intent selects (also the charges', which are derived from intents). */
export const COLUMNS = `id, merchant_id, amount, currency, status, capture_method, payment_method_id, amount_capturable,
  amount_received, amount_refunded, latest_charge, authorization_id, cvc_check, client_secret, description, metadata,
  last_payment_error, cancellation_reason, canceled_at, customer_id, setup_future_usage, authentication,
  authentication_challenge, authentication_url, return_url, created_at, details`;

export const findPaymentIntent = ownedReader('payment_intents', COLUMNS, paymentIntentFromRow);

/**
 * A payment intent by id alone, for the 3D Secure page, which the cardholder's browser opens without an
 * API key (its capability names the intent and so its merchant).
 */
export async function findPaymentIntentForChallenge(
  db: Queryable,
  id: string,
): Promise<PaymentIntentRecord | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM payment_intents WHERE id = $1`, [id]);
  return rows[0] ? paymentIntentFromRow(rows[0]) : null;
}

/**
 * Marks the intent as being changed by `attempt` (one statement, committed at once) and returns it; null
 * when another attempt holds it or the merchant has no such intent (`pendingAttemptOf` tells them apart).
 */
export async function markPaymentIntent(
  db: Queryable,
  merchantId: string,
  id: string,
  attempt: string,
): Promise<PaymentIntentRecord | null> {
  const { rows } = await db.query(
    `UPDATE payment_intents SET pending_attempt = $3
      WHERE id = $1 AND merchant_id = $2 AND (pending_attempt IS NULL OR pending_attempt = $3)
      RETURNING ${COLUMNS}`,
    [id, merchantId, attempt],
    'tessera_mark_intent',
  );
  return rows[0] ? paymentIntentFromRow(rows[0]) : null;
}

/** The attempt holding the intent: a string, null when none does, undefined when there is no such intent. */
export async function pendingAttemptOf(
  db: Queryable,
  merchantId: string,
  id: string,
): Promise<string | null | undefined> {
  const { rows } = await db.query<{ pending_attempt: string | null }>(
    'SELECT pending_attempt FROM payment_intents WHERE id = $1 AND merchant_id = $2',
    [id, merchantId],
  );
  return rows[0] ? rows[0].pending_attempt : undefined;
}

/** Ends `attempt`'s hold on the intent without a change (it failed before the acquirer could act). */
export async function unmarkPaymentIntent(
  db: Queryable,
  merchantId: string,
  id: string,
  attempt: string,
): Promise<void> {
  await db.query(
    'UPDATE payment_intents SET pending_attempt = NULL WHERE id = $1 AND merchant_id = $2 AND pending_attempt = $3',
    [id, merchantId, attempt],
  );
}

/** What a transition sets besides the state machine's fields. */
export interface IntentChanges {
  /** A new charge (an authorization attempt), with its CVC check. */
  readonly latestCharge?: string;
  readonly cvcCheck?: CvcCheck | null;
  readonly authorizationId?: string;
  /** Stamps canceled_at. */
  readonly canceled?: boolean;
  /** Sets setup_future_usage (a confirm may). */
  readonly setupFutureUsage?: SetupFutureUsage | null;
  /** Attaches the intent's payment method to this customer (setup_future_usage after a success). */
  readonly attachTo?: string;
  /** 3D Secure: a new challenge (pending, with its id and page) or its outcome. */
  readonly authentication?: {
    readonly state: AuthenticationState;
    readonly challenge?: string;
    readonly url?: string;
    readonly returnUrl?: string | null;
  };
}

/**
 * Writes the next state of an intent that `attempt` holds (one UPDATE), ends the hold, and returns the
 * intent as stored; throws when the attempt does not hold it (nothing is written then).
 */
export async function updatePaymentIntent(
  tx: Queryable,
  intent: { readonly id: string; readonly merchantId: string },
  next: PaymentIntentState,
  changes: IntentChanges,
  attempt: string,
): Promise<PaymentIntentRecord> {
  const { rows } = await tx.query(
    `UPDATE payment_intents
        SET status = $3, payment_method_id = $4, amount_capturable = $5, amount_received = $6, amount_refunded = $7,
            last_payment_error = $8::jsonb, cancellation_reason = $9, latest_charge = coalesce($10, latest_charge),
            cvc_check = CASE WHEN $10::text IS NULL THEN cvc_check ELSE $14 END,
            authorization_id = coalesce($11, authorization_id),
            canceled_at = CASE WHEN $12 THEN clock_timestamp() ELSE canceled_at END, updated_at = clock_timestamp(),
            setup_future_usage = coalesce($15, setup_future_usage), authentication = coalesce($16, authentication),
            authentication_challenge = coalesce($17, authentication_challenge),
            authentication_url = coalesce($18, authentication_url),
            return_url = CASE WHEN $17::text IS NULL THEN return_url ELSE $19 END, pending_attempt = NULL
      WHERE id = $1 AND merchant_id = $2 AND pending_attempt = $13
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
      attempt,
      changes.cvcCheck ?? null,
      changes.setupFutureUsage ?? null,
      changes.authentication?.state ?? null,
      changes.authentication?.challenge ?? null,
      changes.authentication?.url ?? null,
      changes.authentication?.returnUrl ?? null,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`payment intent ${intent.id} is no longer held by attempt ${attempt}`);
  return paymentIntentFromRow(row);
}

/** Newest first; null when the page's cursor is not one of the merchant's payment intents. Filter: customer_id. */
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
  request: EventRequest,
  audit: readonly AuditEvent[],
  response: StoredResponse | null,
  attachPaymentMethod: boolean,
  settlementDelayDays: number,
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
  // $1 merchant, $2–$16 intent, $17–$28 ledger, $29–$30 outbox, $31–$33 response, $34–$43 audit, $44 CVC check,
  // $45 customer, $46 setup_future_usage, $47 attach the payment method to the customer, $48–$51 3D Secure,
  // $52 details, $53 settlement delay (days)
  await db.query(
    `WITH intent AS (
       INSERT INTO payment_intents (id, merchant_id, amount, currency, status, capture_method, payment_method_id,
                                    amount_capturable, amount_received, latest_charge, authorization_id, client_secret,
                                    description, metadata, last_payment_error, created_at, updated_at, cvc_check,
                                    customer_id, setup_future_usage, authentication, authentication_challenge,
                                    authentication_url, return_url, details)
       VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16, $16, $44, $45,
               $46, $48, $49, $50, $51, $52::jsonb)
       RETURNING id
     ), ${LEDGER_CTES(1, 17, 53)}, outbox_new AS (${OUTBOX_INSERT(1, 29)}
     ), idempotency_done AS (
       UPDATE idempotency_keys
          SET state = 'completed', response_status = $32, response_body = $33, completed_at = clock_timestamp()
        WHERE merchant_id = $1 AND key = $31
     ), audit_new AS (${AUDIT_INSERT(34)}
     ), attached AS (
       UPDATE payment_methods SET customer_id = $45
        WHERE $47 AND id = $7 AND merchant_id = $1 AND customer_id IS NULL AND detached_at IS NULL
     )
     SELECT id FROM intent`,
    [
      pi.merchantId,
      ...intent,
      ...ledgerParams(pi.merchantId, entries, { paymentIntentId: pi.id }),
      ...outboxRows(events, request),
      ...completion,
      ...auditParams(audit),
      pi.cvcCheck,
      pi.customerId,
      pi.setupFutureUsage,
      attachPaymentMethod,
      pi.authentication,
      pi.authenticationChallenge,
      pi.authenticationUrl,
      pi.returnUrl,
      JSON.stringify(pi.details),
      settlementDelayDays,
    ],
    'tessera_insert_intent_with_effects',
  );
}

/** The fields an update writes (POST /v1/payment_intents/{id}); the caller holds the row (FOR UPDATE). */
export interface IntentFields {
  readonly amount: number;
  readonly currency: string;
  readonly paymentMethodId: string | null;
  readonly status: string;
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The intent locked for an update in the caller's transaction; null when the merchant has none. */
export async function lockPaymentIntent(
  tx: Queryable,
  merchantId: string,
  id: string,
): Promise<{ intent: PaymentIntentRecord; pendingAttempt: string | null } | null> {
  const { rows } = await tx.query(
    `SELECT ${COLUMNS}, pending_attempt FROM payment_intents WHERE id = $1 AND merchant_id = $2 FOR UPDATE`,
    [id, merchantId],
  );
  const row = rows[0];
  return row
    ? { intent: paymentIntentFromRow(row), pendingAttempt: (row.pending_attempt as string | null) ?? null }
    : null;
}

export async function updateIntentFields(
  tx: Queryable,
  intent: { readonly id: string; readonly merchantId: string },
  f: IntentFields,
): Promise<PaymentIntentRecord> {
  const { rows } = await tx.query(
    `UPDATE payment_intents
        SET amount = $3, currency = $4, payment_method_id = $5, status = $6, description = $7, metadata = $8::jsonb,
            details = $9::jsonb, updated_at = clock_timestamp()
      WHERE id = $1 AND merchant_id = $2
      RETURNING ${COLUMNS}`,
    [
      intent.id,
      intent.merchantId,
      f.amount,
      f.currency,
      f.paymentMethodId,
      f.status,
      f.description,
      JSON.stringify(f.metadata),
      JSON.stringify(f.details),
    ],
  );
  return paymentIntentFromRow(rows[0] as Record<string, unknown>);
}
