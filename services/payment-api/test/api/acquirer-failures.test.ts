import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAcquirer } from '../../src/acquirer/index.js';
import { completeUnfinished } from '../../src/app/recovery.js';
import { FailingDatabase } from '../support/failing-database.js';
import { InterceptedAcquirer, type AcquirerOperation } from '../support/intercepted-acquirer.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

/**
 * A database failure right after each acquirer call (authorize, capture, refund, void), on a real
 * PostgreSQL: the acquirer acts once per key, a retry resumes with a consistent result, the ledger stays
 * balanced, and the failed attempt is audited.
 */
const sandbox = new SandboxAcquirer();
const acquirer = new InterceptedAcquirer(sandbox);
let failing: FailingDatabase;
let server: TestServer;
const LEASE_SECONDS = 60;

beforeAll(async () => {
  server = await startTestServer({
    acquirer,
    wrapDb: (db) => (failing = new FailingDatabase(db)),
    leaseSeconds: LEASE_SECONDS,
    env: { DB_LOCK_TIMEOUT_MS: '300' },
  });
});
afterAll(async () => {
  await server?.close();
});

/** Makes the next `statements` database statements fail once the acquirer's `operation` has answered. */
function breakAfter(operation: AcquirerOperation, statements = 1): void {
  acquirer.after[operation] = () => {
    delete acquirer.after[operation];
    failing.failNext(statements);
  };
}

/** The acquirer's operations since `from` (its settlement report), as [kind, amount]. */
const effectsSince = (from: number) =>
  sandbox
    .effects()
    .slice(from)
    .map((e) => [e.kind, e.amount]);

async function merchant() {
  const { key, merchantId } = await server.newMerchant('Recovering');
  const s = { url: server.url, key };
  return { s, merchantId, pm: await createCard(s, CARDS.visa, key) };
}

async function interruptions(merchantId: string) {
  const { rows } = await server.db.query<{
    outcome: string;
    object_type: string;
    object_id: string;
    details: { operation: string; recovery_point: string; attempt: string };
  }>(
    `SELECT outcome, object_type, object_id, details FROM audit_log
      WHERE merchant_id = $1 AND action = 'payment_attempt.interrupted' ORDER BY occurred_at`,
    [merchantId],
  );
  return rows;
}

async function keyRow(merchantId: string, key: string) {
  const { rows } = await server.db.query<{ state: string; recovery_point: string; attempt: string }>(
    'SELECT state, recovery_point, attempt FROM idempotency_keys WHERE merchant_id = $1 AND key = $2',
    [merchantId, key],
  );
  return rows[0];
}

/** The merchant's ledger sums to zero and every ledger transaction balances. */
async function expectBalanced(merchantId: string): Promise<void> {
  const { rows } = await server.db.query<{ total: string; unbalanced: string }>(
    `SELECT coalesce(sum(p.amount), 0)::text AS total,
            (SELECT count(*)::text FROM (SELECT 1 FROM ledger_postings p2 JOIN ledger_transactions t2
                ON t2.id = p2.transaction_id WHERE t2.merchant_id = $1
              GROUP BY p2.transaction_id HAVING sum(p2.amount) <> 0) u) AS unbalanced
       FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id WHERE t.merchant_id = $1`,
    [merchantId],
  );
  expect(rows[0]).toEqual({ total: '0', unbalanced: '0' });
}

async function balance(s: { url: string; key: string }) {
  const res = await call(s, 'GET', '/v1/balance');
  const amount = (list: { currency: string; amount: number }[]) =>
    list.find((b) => b.currency === 'usd')?.amount ?? 0;
  return { available: amount(res.json.available), pending: amount(res.json.pending) };
}

/** Sends a request, then its retry under the same key, and returns both. */
async function failedThenRetried(
  s: { url: string; key: string },
  path: string,
  form: Record<string, unknown>,
  key: string,
) {
  const failed = await call(s, 'POST', path, { form, idempotencyKey: key });
  const retried = await call(s, 'POST', path, { form, idempotencyKey: key });
  const replayed = await call(s, 'POST', path, { form, idempotencyKey: key });
  expect(failed.status).toBe(500);
  expect(failed.json.error.type).toBe('api_error');
  expect(retried.status).toBe(200);
  expect(replayed.text).toBe(retried.text);
  return { failed, retried };
}

describe('a database failure right after the acquirer acted', () => {
  it('authorize: the retry resumes the same intent with the original authorization', async () => {
    const { s, merchantId, pm } = await merchant();
    const from = sandbox.effects().length;
    breakAfter('authorize');
    const form = {
      amount: 1200,
      currency: 'usd',
      payment_method: pm,
      confirm: true,
      capture_method: 'manual',
    };
    const failed = await call(s, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'k-authorize' });
    expect(failed.status).toBe(500);
    // the failed attempt is audited, and its key keeps the recovery point instead of being released
    const [interrupted] = await interruptions(merchantId);
    expect(interrupted).toMatchObject({
      outcome: 'failure',
      object_type: 'payment_intent',
      details: { operation: 'payment_intent.create_and_confirm', recovery_point: 'acquirer_called' },
    });
    expect(await keyRow(merchantId, 'k-authorize')).toMatchObject({
      state: 'in_flight',
      recovery_point: 'acquirer_called',
    });
    const retried = await call(s, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'k-authorize' });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({
      id: interrupted?.object_id,
      status: 'requires_capture',
      amount_capturable: 1200,
      latest_charge: `ch_${interrupted?.details.attempt}`,
    });
    expect(effectsSince(from)).toEqual([['authorize', 1200]]);
    expect(await balance(s)).toEqual({ available: 0, pending: 0 }); // a hold is neither (ADR 0032)
    await expectBalanced(merchantId);
  });

  it('capture within create+confirm: one authorization and one capture, one succeeded intent', async () => {
    const { s, merchantId, pm } = await merchant();
    const from = sandbox.effects().length;
    breakAfter('capture');
    const { retried } = await failedThenRetried(
      s,
      '/v1/payment_intents',
      { amount: 1000, currency: 'usd', payment_method: pm, confirm: true },
      'k-sale',
    );
    expect(retried.json).toMatchObject({ status: 'succeeded', amount_received: 1000 });
    expect(effectsSince(from)).toEqual([
      ['authorize', 1000],
      ['capture', 1000],
    ]);
    expect((await call(s, 'GET', '/v1/payment_intents')).json.data).toHaveLength(1);
    expect(await interruptions(merchantId)).toHaveLength(1);
    expect(await balance(s)).toEqual({ available: 0, pending: 1000 }); // captured: pending until settled
    await expectBalanced(merchantId);
  });

  it('capture of an authorized intent: captured once, with the amount asked first', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd', payment_method: pm, confirm: true, capture_method: 'manual' },
    });
    const from = sandbox.effects().length;
    breakAfter('capture');
    const { retried } = await failedThenRetried(
      s,
      `/v1/payment_intents/${pi.json.id}/capture`,
      { amount_to_capture: 700 },
      'k-capture',
    );
    expect(retried.json).toMatchObject({ id: pi.json.id, status: 'succeeded', amount_received: 700 });
    expect(effectsSince(from)).toEqual([['capture', 700]]);
    expect((await interruptions(merchantId))[0]).toMatchObject({
      object_id: pi.json.id,
      details: { operation: 'payment_intent.capture' },
    });
    expect(await balance(s)).toEqual({ available: 0, pending: 700 });
    await expectBalanced(merchantId);
  });

  it('refund: refunded once under the refund id the retry returns', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd', payment_method: pm, confirm: true },
    });
    const from = sandbox.effects().length;
    breakAfter('refund');
    const { retried } = await failedThenRetried(
      s,
      '/v1/refunds',
      { payment_intent: pi.json.id, amount: 400 },
      'k-refund',
    );
    const [interrupted] = await interruptions(merchantId);
    expect(retried.json).toMatchObject({ id: interrupted?.object_id, amount: 400, status: 'succeeded' });
    expect(effectsSince(from)).toEqual([['refund', 400]]);
    expect((await call(s, 'GET', `/v1/payment_intents/${pi.json.id}`)).json.status).toBe('succeeded');
    expect(await balance(s)).toEqual({ available: -400, pending: 1000 }); // refunds come out of available
    await expectBalanced(merchantId);
  });

  it('cancel (void): voided once, the intent canceled and its hold released', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 800, currency: 'usd', payment_method: pm, confirm: true, capture_method: 'manual' },
    });
    const from = sandbox.effects().length;
    breakAfter('void');
    const { retried } = await failedThenRetried(
      s,
      `/v1/payment_intents/${pi.json.id}/cancel`,
      { cancellation_reason: 'abandoned' },
      'k-void',
    );
    expect(retried.json).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(effectsSince(from)).toEqual([['void', null]]);
    expect((await interruptions(merchantId))[0]?.details.operation).toBe('payment_intent.cancel');
    expect(await balance(s)).toEqual({ available: 0, pending: 0 });
    await expectBalanced(merchantId);
  });

  it('an outage that also loses the recovery point: 409 during the lease, then the same attempt resumes', async () => {
    const { s, merchantId, pm } = await merchant();
    const from = sandbox.effects().length;
    breakAfter('authorize', Infinity);
    const form = { amount: 300, currency: 'usd', payment_method: pm, confirm: true };
    expect((await call(s, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'k-outage' })).status).toBe(
      500,
    );
    failing.heal();
    // nothing could be written but the claim, made before the acquirer call
    expect(await interruptions(merchantId)).toHaveLength(0);
    const claim = await keyRow(merchantId, 'k-outage');
    expect(claim).toMatchObject({ state: 'in_flight', recovery_point: 'started' });
    const busy = await call(s, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'k-outage' });
    expect([busy.status, busy.json.error.type]).toEqual([409, 'idempotency_error']);
    await server.db.query(
      `UPDATE idempotency_keys SET locked_at = locked_at - make_interval(secs => $3) WHERE merchant_id = $1 AND key = $2`,
      [merchantId, 'k-outage', LEASE_SECONDS],
    );
    const resumed = await call(s, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'k-outage' });
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ id: `pi_${claim?.attempt}`, status: 'succeeded' });
    expect(effectsSince(from)).toEqual([
      ['authorize', 300],
      ['capture', 300],
    ]);
    await expectBalanced(merchantId);
  });
});

describe('an interrupted request holds its payment intent until it is resumed', () => {
  it('another key cannot act on it meanwhile (429 lock_timeout), so the acquirer never acts twice', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 900, currency: 'usd', payment_method: pm, confirm: true, capture_method: 'manual' },
    });
    const path = `/v1/payment_intents/${pi.json.id}`;
    const from = sandbox.effects().length;
    breakAfter('capture');
    expect((await call(s, 'POST', `${path}/capture`, { form: {}, idempotencyKey: 'k-first' })).status).toBe(
      500,
    );
    for (const [action, key] of [
      ['capture', 'k-second'],
      ['cancel', 'k-third'],
    ] as const) {
      const blocked = await call(s, 'POST', `${path}/${action}`, { form: {}, idempotencyKey: key });
      expect([blocked.status, blocked.json.error.type, blocked.json.error.code]).toEqual([
        429,
        'invalid_request_error',
        'lock_timeout',
      ]);
    }
    expect((await call(s, 'POST', `${path}/capture`, { form: {}, idempotencyKey: 'k-first' })).status).toBe(
      200,
    );
    const second = await call(s, 'POST', `${path}/capture`, { form: {}, idempotencyKey: 'k-second' });
    expect([second.status, second.json.error.code]).toEqual([400, 'payment_intent_unexpected_state']);
    expect(effectsSince(from)).toEqual([['capture', 900]]);
    await expectBalanced(merchantId);
  });

  it('fixes the refund that blocked every later refund: later refunds wait for it, then add up to the capture', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd', payment_method: pm, confirm: true },
    });
    const from = sandbox.effects().length;
    breakAfter('refund');
    const first = { payment_intent: pi.json.id, amount: 400 };
    expect((await call(s, 'POST', '/v1/refunds', { form: first, idempotencyKey: 'r-1' })).status).toBe(500);
    const rest = { payment_intent: pi.json.id };
    const waiting = await call(s, 'POST', '/v1/refunds', { form: rest, idempotencyKey: 'r-2' });
    expect([waiting.status, waiting.json.error.code]).toEqual([429, 'lock_timeout']);
    expect((await call(s, 'POST', '/v1/refunds', { form: first, idempotencyKey: 'r-1' })).json.amount).toBe(
      400,
    );
    const refundedRest = await call(s, 'POST', '/v1/refunds', { form: rest, idempotencyKey: 'r-2' });
    expect([refundedRest.status, refundedRest.json.amount]).toEqual([200, 600]);
    const more = await call(s, 'POST', '/v1/refunds', { form: rest, idempotencyKey: 'r-3' });
    expect([more.status, more.json.error.code]).toEqual([400, 'charge_already_refunded']);
    // the acquirer refunded exactly what the ledger shows
    expect(effectsSince(from)).toEqual([
      ['refund', 400],
      ['refund', 600],
    ]);
    expect(await balance(s)).toEqual({ available: -1000, pending: 1000 });
    await expectBalanced(merchantId);
  });
});

describe('a request that fails before the acquirer and cannot release its hold', () => {
  it('keeps its key, so the completer resumes it and frees the intent', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 500, currency: 'usd', payment_method: pm, confirm: true, capture_method: 'manual' },
    });
    const path = `/v1/payment_intents/${pi.json.id}/capture`;
    // claim, hold, then the release of the hold fails (the request itself is refused: too much)
    failing.failNext(1, 2);
    const refused = await call(s, 'POST', path, {
      form: { amount_to_capture: 900 },
      idempotencyKey: 'k-stuck',
    });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'amount_too_large']);
    expect(await keyRow(merchantId, 'k-stuck')).toMatchObject({
      state: 'in_flight',
      recovery_point: 'started',
    });
    const blocked = await call(s, 'POST', path, { form: {}, idempotencyKey: 'k-other' });
    expect([blocked.status, blocked.json.error.code]).toEqual([429, 'lock_timeout']);
    await server.db.query(
      `UPDATE idempotency_keys SET locked_at = locked_at - make_interval(secs => $3) WHERE merchant_id = $1 AND key = $2`,
      [merchantId, 'k-stuck', LEASE_SECONDS],
    );
    // the completer runs it again: refused again, and this time the hold and the key are released
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 0, failed: 1 });
    expect(await keyRow(merchantId, 'k-stuck')).toBeUndefined();
    const captured = await call(s, 'POST', path, { form: {}, idempotencyKey: 'k-other' });
    expect([captured.status, captured.json.amount_received]).toEqual([200, 500]);
    await expectBalanced(merchantId);
  });
});

describe('the completer finishes what no client retries', () => {
  it('a request without an Idempotency-Key that failed after the acquirer acted', async () => {
    const { s, merchantId, pm } = await merchant();
    const from = sandbox.effects().length;
    breakAfter('capture');
    const failed = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 2500, currency: 'usd', payment_method: pm, confirm: true },
    });
    expect(failed.status).toBe(500);
    const [interrupted] = await interruptions(merchantId);
    expect(interrupted?.details.operation).toBe('payment_intent.create_and_confirm');
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 1, failed: 0 });
    const intent = await call(s, 'GET', `/v1/payment_intents/${interrupted?.object_id}`);
    expect(intent.json).toMatchObject({ status: 'succeeded', amount_received: 2500 });
    expect(effectsSince(from)).toEqual([
      ['authorize', 2500],
      ['capture', 2500],
    ]);
    const { rows } = await server.db.query<{ state: string; response_status: number }>(
      `SELECT state, response_status FROM idempotency_keys WHERE merchant_id = $1 AND key LIKE 'server %'`,
      [merchantId],
    );
    expect(rows).toEqual([{ state: 'completed', response_status: 200 }]);
    const audited = await server.db.query<{ action: string; outcome: string }>(
      `SELECT action, outcome FROM audit_log WHERE merchant_id = $1 AND object_id = $2 ORDER BY occurred_at`,
      [merchantId, interrupted?.object_id],
    );
    expect(audited.rows).toEqual([
      { action: 'payment_attempt.interrupted', outcome: 'failure' },
      { action: 'payment_intent.create_and_confirm', outcome: 'success' },
    ]);
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 0, failed: 0 });
    await expectBalanced(merchantId);
  });

  it('a keyless request whose process died after the acquirer call, once its lease ran out', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 600, currency: 'usd', payment_method: pm, confirm: true },
    });
    const from = sandbox.effects().length;
    breakAfter('refund', Infinity);
    expect((await call(s, 'POST', '/v1/refunds', { form: { payment_intent: pi.json.id } })).status).toBe(500);
    failing.heal();
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 0, failed: 0 });
    await server.db.query(
      `UPDATE idempotency_keys SET locked_at = locked_at - make_interval(secs => $2)
        WHERE merchant_id = $1 AND key LIKE 'server %'`,
      [merchantId, LEASE_SECONDS],
    );
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 1, failed: 0 });
    const refunds = await call(s, 'GET', '/v1/refunds');
    expect(refunds.json.data.map((r: { amount: number }) => r.amount)).toEqual([600]);
    expect(effectsSince(from)).toEqual([['refund', 600]]);
    expect(await balance(s)).toEqual({ available: -600, pending: 600 });
    await expectBalanced(merchantId);
  });

  it('an interrupted refund whose client never retries, so that later refunds can go ahead', async () => {
    const { s, merchantId, pm } = await merchant();
    const pi = await call(s, 'POST', '/v1/payment_intents', {
      form: { amount: 500, currency: 'usd', payment_method: pm, confirm: true },
    });
    breakAfter('refund');
    const form = { payment_intent: pi.json.id, amount: 200 };
    expect((await call(s, 'POST', '/v1/refunds', { form, idempotencyKey: 'gone' })).status).toBe(500);
    expect(await completeUnfinished(server.deps, LEASE_SECONDS)).toEqual({ completed: 1, failed: 0 });
    const later = await call(s, 'POST', '/v1/refunds', { form: { payment_intent: pi.json.id } });
    expect([later.status, later.json.amount]).toEqual([200, 300]);
    // the client that gave up gets the completed refund if it comes back
    const back = await call(s, 'POST', '/v1/refunds', { form, idempotencyKey: 'gone' });
    expect([back.status, back.json.amount, back.headers.get('idempotent-replayed')]).toEqual([
      200,
      200,
      'true',
    ]);
    await expectBalanced(merchantId);
  });
});
