import type { Queryable } from '../db/database.js';
import type { Currency } from '../domain/currency.js';
import { newId, randomToken } from '../domain/ids.js';
import {
  applyAuthorization,
  cancel as cancelTransition,
  capture as captureTransition,
  createPaymentIntent as initialState,
  prepareConfirm,
  type AuthorizationOutcome,
  type CancellationReason,
  type CaptureMethod,
} from '../domain/payment-intent.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import { insertIntentWithEffects } from '../store/payment-intent-store.js';
import type { LedgerEntry } from '../domain/ledger.js';
import {
  paymentIntentFromRow,
  sealedCardFromRow,
  type Metadata,
  type PaymentIntentRecord,
} from '../store/records.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { NotFoundError } from './errors.js';
import {
  auditEvents,
  eventFor,
  finish,
  intentEvent,
  lockPaymentIntent,
  persistTransition,
  PI_COLUMNS,
  type AuditDraft,
} from './transitions.js';

/** `declined` is true when this request's confirmation was declined by the acquirer (HTTP 402). */
export interface IntentResult {
  readonly intent: PaymentIntentRecord;
  readonly declined: boolean;
}

export interface CreateIntentInput {
  readonly amount: number;
  readonly currency: Currency;
  readonly paymentMethodId: string | null;
  readonly confirm: boolean;
  readonly captureMethod: CaptureMethod;
  readonly description: string | null;
  readonly metadata: Metadata;
}

type CardRow = Record<string, unknown>;

const SEALED_CARD_CACHE_MAX = 10_000;

/**
 * The merchant's vaulted card (sealed), or 404 naming the payment_method parameter. Vaulted cards are
 * immutable once written (never updated or deleted), so their sealed rows — ciphertext, never the PAN — are
 * cached in `deps.sealedCards` to save a round trip per payment.
 */
async function loadCard(deps: Deps, tx: Queryable, merchantId: string, id: string): Promise<CardRow> {
  const sealedCards = deps.sealedCards;
  const cacheKey = `${merchantId}/${id}`;
  const cached = sealedCards.get(cacheKey);
  if (cached) return cached;
  const { rows } = await tx.query(
    `SELECT id, exp_month, exp_year, ciphertext, iv, auth_tag, wrapped_data_key, key_version, fingerprint, brand, last4
       FROM payment_methods WHERE id = $1 AND merchant_id = $2`,
    [id, merchantId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('payment_method', id, 'payment_method');
  if (sealedCards.size >= SEALED_CARD_CACHE_MAX) sealedCards.clear();
  sealedCards.set(cacheKey, row);
  return row;
}

/**
 * Creates (and with confirm=true authorizes) a payment intent. The acquirer is called before anything is
 * written — the intent does not exist yet, so nobody can race for it — and then the intent, its ledger
 * postings, events, audit records and idempotent response are written by one statement.
 */
export async function createIntent(
  deps: Deps,
  ctx: RequestContext,
  input: CreateIntentInput,
  hook?: CommitHook<IntentResult>,
): Promise<IntentResult> {
  const card = input.paymentMethodId
    ? await loadCard(deps, deps.db, ctx.merchantId, input.paymentMethodId)
    : null;
  const id = newId('pi');
  const created: PaymentIntentRecord = {
    ...initialState(input),
    id,
    merchantId: ctx.merchantId,
    latestCharge: null,
    authorizationId: null,
    clientSecret: `${id}_secret_${randomToken(24)}`,
    description: input.description,
    metadata: input.metadata,
    canceledAt: null,
    created: new Date(),
  };
  const events: OutboxEvent[] = [intentEvent('payment_intent.created', created)];
  const details: Record<string, unknown> = {
    amount: created.amount,
    currency: created.currency,
    capture_method: created.captureMethod,
  };
  let result: IntentResult = { intent: created, declined: false };
  let entries: readonly LedgerEntry[] = [];
  if (input.confirm) {
    const authorized = await authorize(deps, ctx, created, null, card);
    const intent: PaymentIntentRecord = {
      ...authorized.prepared,
      ...authorized.transition.next,
      latestCharge: authorized.latestCharge,
      authorizationId: authorized.authorizationId,
    };
    result = { intent, declined: authorized.declined };
    entries = authorized.transition.entries;
    events.push(...authorized.transition.events.map((type) => eventFor(type, intent)));
    Object.assign(details, { confirm: authorized.auditDetails });
  }
  // One audit record per request; a declined confirmation is a failed outcome.
  const audit: AuditDraft[] = [
    {
      action: input.confirm ? 'payment_intent.create_and_confirm' : 'payment_intent.create',
      outcome: result.declined ? 'failure' : 'success',
      objectType: 'payment_intent',
      objectId: id,
      details,
    },
  ];
  await insertIntentWithEffects(
    deps.db,
    result.intent,
    entries,
    events,
    auditEvents(ctx, audit),
    hook?.prepare(result) ?? null,
  );
  return result;
}

export async function confirmIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { paymentMethodId: string | null },
  hook?: CommitHook<IntentResult>,
): Promise<IntentResult> {
  return deps.db.transaction(async (tx) => {
    const pi = await lockPaymentIntent(tx, ctx.merchantId, id);
    if (!pi) throw new NotFoundError('payment_intent', id);
    const card = input.paymentMethodId
      ? await loadCard(deps, tx, ctx.merchantId, input.paymentMethodId)
      : null;
    // Authorized while the intent's row lock is held: two confirms of one intent never both reach the acquirer.
    const authorized = await authorize(deps, ctx, pi, input.paymentMethodId, card, tx);
    const intent = await persistTransition(tx, authorized.prepared, authorized.transition, {
      latestCharge: authorized.latestCharge,
      authorizationId: authorized.authorizationId ?? undefined,
    });
    return finish(tx, ctx, hook, { intent, declined: authorized.declined }, [
      {
        action: 'payment_intent.confirm',
        outcome: authorized.declined ? 'failure' : 'success',
        objectType: 'payment_intent',
        objectId: id,
        details: authorized.auditDetails,
      },
    ]);
  });
}

/** Opens the card from the vault and asks the acquirer; automatic capture captures at once. */
async function authorize(
  deps: Deps,
  ctx: RequestContext,
  pi: PaymentIntentRecord,
  paymentMethodId: string | null,
  loadedCard: CardRow | null,
  tx: Queryable = deps.db,
) {
  const prepared: PaymentIntentRecord = { ...pi, ...prepareConfirm(pi, paymentMethodId) };
  const pmId = prepared.paymentMethodId as string;
  const row = loadedCard ?? (await loadCard(deps, tx, ctx.merchantId, pmId));
  const pan = await deps.vault.open({
    merchantId: ctx.merchantId,
    tokenId: pmId,
    sealed: sealedCardFromRow(row),
  });
  const auth = await deps.acquirer.authorize({
    amount: pi.amount,
    currency: pi.currency,
    pan,
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
    cvc: deps.cvc.take(pmId),
    reference: pi.id,
  });
  let outcome: AuthorizationOutcome;
  if (auth.approved) {
    if (pi.captureMethod === 'automatic') await deps.acquirer.capture(auth.authorizationId, pi.amount);
    outcome = { approved: true };
  } else {
    // Stripe reports insufficient funds as code card_declined with decline_code insufficient_funds.
    const code = auth.code === 'insufficient_funds' ? 'card_declined' : auth.code;
    outcome = {
      approved: false,
      error: { code, declineCode: auth.declineCode ?? auth.code, message: auth.message },
    };
  }
  const transition = applyAuthorization(prepared, outcome);
  // The vault access is part of the audited confirmation (PCI DSS 10.2.1.1: access to cardholder data).
  const auditDetails: Record<string, unknown> = auth.approved
    ? { status: transition.next.status, amount: pi.amount, currency: pi.currency }
    : { status: transition.next.status, code: outcome.approved ? null : outcome.error.code };
  auditDetails.vault_access = { payment_method: pmId, purpose: 'authorization' };
  return {
    prepared,
    transition,
    auditDetails,
    declined: !auth.approved,
    latestCharge: newId('ch'),
    authorizationId: auth.approved ? auth.authorizationId : null,
  };
}

export async function captureIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { amountToCapture: number | null },
  hook?: CommitHook<IntentResult>,
): Promise<IntentResult> {
  return deps.db.transaction(async (tx) => {
    const pi = await lockPaymentIntent(tx, ctx.merchantId, id);
    if (!pi) throw new NotFoundError('payment_intent', id);
    const transition = captureTransition(pi, input.amountToCapture ?? undefined);
    await deps.acquirer.capture(pi.authorizationId as string, transition.next.amountReceived);
    const intent = await persistTransition(tx, pi, transition, {});
    return finish(tx, ctx, hook, { intent, declined: false }, [
      {
        action: 'payment_intent.capture',
        outcome: 'success',
        objectType: 'payment_intent',
        objectId: id,
        details: { amount_captured: transition.next.amountReceived, amount_authorized: pi.amountCapturable },
      },
    ]);
  });
}

export async function cancelIntent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { reason: CancellationReason | null },
  hook?: CommitHook<IntentResult>,
): Promise<IntentResult> {
  return deps.db.transaction(async (tx) => {
    const pi = await lockPaymentIntent(tx, ctx.merchantId, id);
    if (!pi) throw new NotFoundError('payment_intent', id);
    const transition = cancelTransition(pi, input.reason);
    if (pi.status === 'requires_capture' && pi.authorizationId) await deps.acquirer.void(pi.authorizationId);
    const intent = await persistTransition(tx, pi, transition, { canceled: true });
    return finish(tx, ctx, hook, { intent, declined: false }, [
      {
        action: 'payment_intent.cancel',
        outcome: 'success',
        objectType: 'payment_intent',
        objectId: id,
        details: { from: pi.status, reason: input.reason },
      },
    ]);
  });
}

export async function getIntent(deps: Deps, merchantId: string, id: string): Promise<PaymentIntentRecord> {
  const { rows } = await deps.db.query(
    `SELECT ${PI_COLUMNS} FROM payment_intents WHERE id = $1 AND merchant_id = $2`,
    [id, merchantId],
  );
  if (!rows[0]) throw new NotFoundError('payment_intent', id);
  return paymentIntentFromRow(rows[0]);
}

export interface Page {
  readonly limit: number;
  readonly startingAfter: string | null;
  readonly endingBefore: string | null;
}

/**
 * Keyset pagination over (created_at, id) newest first, as Stripe lists do. The cursor's timestamp is
 * compared inside SQL so its microseconds are not lost in a JavaScript Date.
 */
export async function listRows(
  db: Queryable,
  table: 'payment_intents' | 'refunds',
  columns: string,
  merchantId: string,
  page: Page,
  resource: string,
): Promise<{ rows: Record<string, unknown>[]; hasMore: boolean }> {
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor) {
    const found = await db.query(`SELECT 1 FROM ${table} WHERE id = $1 AND merchant_id = $2`, [
      cursor,
      merchantId,
    ]);
    if (!found.rows[0]) {
      throw new NotFoundError(resource, cursor, page.startingAfter ? 'starting_after' : 'ending_before');
    }
  }
  const cursorClause = (op: '<' | '>') =>
    `AND (created_at, id) ${op} (SELECT created_at, id FROM ${table} WHERE id = $3 AND merchant_id = $1)`;
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
  return { rows: before ? pageRows.reverse() : pageRows, hasMore };
}

export async function listIntents(deps: Deps, merchantId: string, page: Page) {
  const { rows, hasMore } = await listRows(
    deps.db,
    'payment_intents',
    PI_COLUMNS,
    merchantId,
    page,
    'payment_intent',
  );
  return { intents: rows.map(paymentIntentFromRow), hasMore };
}
