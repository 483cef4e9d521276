import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attempt } from '../../src/app/attempt.js';
import type { CommitHook, RequestContext } from '../../src/app/context.js';
import type { Deps } from '../../src/app/deps.js';
import * as intents from '../../src/app/payment-intents.js';
import { createPaymentMethod } from '../../src/app/payment-methods.js';
import { createRefund, getRefund, listRefunds } from '../../src/app/refunds.js';
import { getBalance } from '../../src/app/balance.js';
import type { Currency } from '../../src/domain/currency.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { completeKey } from '../../src/store/idempotency-store.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

/** Counts the statements sent to the database, BEGIN and COMMIT included: the round trips of a request. */
class CountingDatabase implements Database {
  statements = 0;
  constructor(private readonly inner: Database) {}
  get kind() {
    return this.inner.kind;
  }
  query: Queryable['query'] = (text, params, name) => {
    this.statements += 1;
    return this.inner.query(text, params, name);
  };
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.statements += 2;
    return this.inner.transaction((tx) =>
      fn({
        query: (text, params, name) => {
          this.statements += 1;
          return tx.query(text, params, name);
        },
      }),
    );
  }
  withSession: Database['withSession'] = (fn) => this.inner.withSession(fn);
  close = () => this.inner.close();
}

let server: TestServer;
let db: CountingDatabase;
let deps: Deps;
let ctx: RequestContext;

/**
 * Stores the response as the Idempotency-Key layer does (one statement in the request's transaction), for a
 * request running as a new attempt.
 */
const hook = (): CommitHook<unknown> => ({
  attempt: new Attempt(),
  store: (tx) => completeKey(tx, { merchantId: ctx.merchantId, key: 'round-trips' }, 200, '{}'),
  prepare: () => ({ merchantId: ctx.merchantId, key: 'round-trips', status: 200, body: '{}' }),
});

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  const before = db.statements;
  await run();
  return db.statements - before;
}

const usd = 'usd' as Currency;
const intent = (paymentMethodId: string | null, confirm: boolean) => ({
  amount: 1000,
  currency: usd,
  paymentMethodId,
  confirm,
  captureMethod: 'manual' as const,
  description: null,
  metadata: {},
});
const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' };

beforeAll(async () => {
  server = await startTestServer({ wrapDb: (inner) => (db = new CountingDatabase(inner)) });
  deps = server.deps;
  ctx = { merchantId: server.merchantId, actor: 'key_round_trips' };
  // the fee schedule is read once per merchant and process, then cached: not a round trip per payment
  await deps.fees.of(server.merchantId);
});
afterAll(async () => {
  await server?.close();
});

describe('database round trips per request (the hot path must not grow)', () => {
  it('payment method, create+confirm, confirm, capture, cancel and refund', async () => {
    let pm = '';
    expect(
      await statementsOf(async () => {
        pm = (await createPaymentMethod(deps, ctx, { card, metadata: {} }, hook())).id;
      }),
      'create payment method: BEGIN, INSERT card (and sealed CVC), stored response, audit, COMMIT',
    ).toBe(5);
    expect(
      await statementsOf(() => intents.createIntent(deps, ctx, intent(pm, true), hook())),
      'create+confirm, card not cached yet: card (taking its CVC), then one statement',
    ).toBe(2);
    let captured = '';
    expect(
      await statementsOf(async () => {
        captured = (await intents.createIntent(deps, ctx, intent(pm, true), hook())).intent.id;
      }),
      'create+confirm: one statement',
    ).toBe(1);
    const unconfirmed = (await intents.createIntent(deps, ctx, intent(pm, false), hook())).intent.id;
    expect(
      await statementsOf(() =>
        intents.confirmIntent(deps, ctx, unconfirmed, { paymentMethodId: null }, hook()),
      ),
      'confirm: hold the intent, BEGIN, UPDATE, ledger+outbox+balances, stored response, audit, COMMIT',
    ).toBe(7);
    expect(
      await statementsOf(() => intents.captureIntent(deps, ctx, captured, { amountToCapture: 600 }, hook())),
      'capture',
    ).toBe(7);
    expect(
      await statementsOf(() => intents.cancelIntent(deps, ctx, unconfirmed, { reason: null }, hook())),
      'cancel',
    ).toBe(7);
    let refund = '';
    expect(
      await statementsOf(async () => {
        refund = (
          await createRefund(
            deps,
            ctx,
            { paymentIntentId: captured, amount: 100, reason: null, metadata: {} },
            hook(),
          )
        ).id;
      }),
      'refund: hold, BEGIN, INSERT refund, UPDATE, ledger+outbox+balances, stored response, audit, COMMIT',
    ).toBe(8);
    const page = { limit: 10, startingAfter: null, endingBefore: null };
    expect(await statementsOf(() => intents.getIntent(deps, ctx.merchantId, captured))).toBe(1);
    expect(await statementsOf(() => intents.listIntents(deps, ctx.merchantId, page))).toBe(1);
    expect(
      await statementsOf(() =>
        intents.listIntents(deps, ctx.merchantId, { ...page, startingAfter: captured }),
      ),
      'a cursor is checked first',
    ).toBe(2);
    expect(await statementsOf(() => getRefund(deps, ctx.merchantId, refund))).toBe(1);
    expect(await statementsOf(() => listRefunds(deps, ctx.merchantId, page))).toBe(1);
    expect(await statementsOf(() => getBalance(deps, ctx.merchantId)), 'balance rows').toBe(1);
  });

  it('over HTTP, the Idempotency-Key claim comes first; without a key only for requests that reach the acquirer', async () => {
    const pm = await createCard(server);
    const pay = { amount: 500, currency: 'usd', payment_method: pm, confirm: true };
    await call(server, 'POST', '/v1/payment_intents', { form: pay }); // caches the API key and the card
    const post = (path: string, form: Record<string, unknown>, idempotencyKey?: string) =>
      statementsOf(async () => {
        const res = await call(server, 'POST', path, { form, ...(idempotencyKey ? { idempotencyKey } : {}) });
        expect(res.status).toBe(200);
      });
    expect(
      await post('/v1/payment_intents', pay, 'rt-1'),
      'claim (synchronous: it records the attempt), one statement',
    ).toBe(2);
    expect(
      await post('/v1/payment_intents', pay),
      'without a key: a claim of a server-made key, one statement',
    ).toBe(2);
    expect(
      await post('/v1/payment_intents', { amount: 500, currency: 'usd' }),
      'no acquirer call: no claim',
    ).toBe(1);
    const held = await call(server, 'POST', '/v1/payment_intents', {
      form: { ...pay, capture_method: 'manual' },
    });
    expect(await post(`/v1/payment_intents/${held.json.id}/capture`, {}, 'rt-2'), 'claim + capture').toBe(8);
    expect(await post('/v1/refunds', { payment_intent: held.json.id, amount: 100 }), 'claim + refund').toBe(
      9,
    );
    expect(await statementsOf(() => call(server, 'GET', '/v1/balance')), 'balance').toBe(1);
  });
});
