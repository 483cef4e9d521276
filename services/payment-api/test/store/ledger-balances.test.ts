import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalance } from '../../src/app/balance.js';
import type { RequestContext } from '../../src/app/context.js';
import * as intents from '../../src/app/payment-intents.js';
import { createPaymentMethod } from '../../src/app/payment-methods.js';
import { createRefund } from '../../src/app/refunds.js';
import type { Currency } from '../../src/domain/currency.js';
import { merchantBalance, type AccountKind } from '../../src/domain/ledger.js';
import { balanceDrift, readMerchantBalance } from '../../src/store/ledger-store.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ poolMax: 6 });
});
afterAll(async () => {
  await server?.close();
});

type Operation =
  | { kind: 'pay'; captureMethod: 'automatic' | 'manual'; amount: number; currency: 'usd' | 'jpy' }
  | { kind: 'capture'; intent: number; share: number }
  | { kind: 'cancel'; intent: number }
  | { kind: 'refund'; intent: number; amount: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('pay' as const),
    captureMethod: fc.constantFrom('automatic' as const, 'manual' as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    currency: fc.constantFrom('usd' as const, 'jpy' as const),
  }),
  fc.record({
    kind: fc.constant('capture' as const),
    intent: fc.nat(20),
    share: fc.double({ min: 0.01, max: 1 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), intent: fc.nat(20) }),
  fc.record({
    kind: fc.constant('refund' as const),
    intent: fc.nat(20),
    amount: fc.integer({ min: 1, max: 30_000 }),
  }),
);

/** The merchant's balance computed from its postings, the way GET /v1/balance did before balance rows. */
async function balanceFromPostings(merchantId: string) {
  const { rows } = await server.db.query<{ currency: string; kind: AccountKind; total: string }>(
    `SELECT a.currency, a.kind, coalesce(sum(p.amount), 0)::text AS total
       FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
      WHERE a.merchant_id = $1 GROUP BY a.currency, a.kind`,
    [merchantId],
  );
  const sums = new Map<string, Partial<Record<AccountKind, number>>>();
  for (const r of rows) sums.set(r.currency, { ...sums.get(r.currency), [r.kind]: Number(r.total) });
  return [...sums.entries()]
    .map(([currency, s]) => ({ currency, ...merchantBalance(s) }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

describe('balance rows (ledger invariant on a real database)', () => {
  it('always equal the sum of the postings, whatever payments, captures, cancels and refunds ran, concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(operation, { minLength: 1, maxLength: 3 }), { maxLength: 8 }),
        async (batches) => {
          const { merchantId } = await server.newMerchant('Ledger');
          const ctx: RequestContext = { merchantId, actor: 'test' };
          const card = { number: CARDS.visa, exp_month: 12, exp_year: 2040 };
          const pm = (await createPaymentMethod(server.deps, ctx, { card, metadata: {} })).id;
          const created: string[] = [];
          const run = async (op: Operation): Promise<unknown> => {
            if (op.kind === 'pay') {
              const { intent } = await intents.createIntent(server.deps, ctx, {
                amount: op.amount,
                currency: op.currency as Currency,
                paymentMethodId: pm,
                confirm: true,
                captureMethod: op.captureMethod,
                description: null,
                metadata: {},
              });
              return created.push(intent.id);
            }
            const id = created[op.intent % Math.max(created.length, 1)];
            if (!id) return undefined;
            if (op.kind === 'cancel') return intents.cancelIntent(server.deps, ctx, id, { reason: null });
            if (op.kind === 'refund') {
              return createRefund(server.deps, ctx, {
                paymentIntentId: id,
                amount: op.amount,
                reason: null,
                metadata: {},
              });
            }
            const held = await intents.getIntent(server.deps, merchantId, id);
            const amountToCapture = Math.max(1, Math.floor(held.amountCapturable * op.share));
            return intents.captureIntent(server.deps, ctx, id, { amountToCapture });
          };
          for (const batch of batches) {
            // refused operations (wrong state, too much) change nothing: they are part of the sequence too
            await Promise.all(batch.map((op) => run(op).catch(() => undefined)));
          }
          expect(await balanceDrift(server.db)).toEqual([]);
          const read = (await getBalance(server.deps, merchantId)).sort((a, b) =>
            a.currency.localeCompare(b.currency),
          );
          expect(read).toEqual(await balanceFromPostings(merchantId));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('serve GET /v1/balance without reading a single posting: O(1) per currency', async () => {
    const { merchantId, key } = await server.newMerchant('Constant');
    const s = { url: server.url, key };
    const pm = await createCard(s, CARDS.visa, key);
    for (const amount of [100, 200, 300]) {
      await call(s, 'POST', '/v1/payment_intents', {
        form: { amount, currency: 'usd', payment_method: pm, confirm: true },
      });
    }
    // A role that may read the balance rows but not the postings still gets the merchant's balance.
    const role = `balance_reader_${randomBytes(4).toString('hex')}`;
    await server.db.query(`CREATE ROLE ${role}`);
    try {
      await server.db.query(`GRANT SELECT ON ledger_balances TO ${role}`);
      const balance = await server.db.withSession(async (session) => {
        await session.exec(`SET ROLE ${role}`);
        try {
          return await readMerchantBalance(session, merchantId);
        } finally {
          await session.exec('RESET ROLE');
        }
      });
      expect(balance).toEqual([{ currency: 'usd', available: 0, pending: 600 }]);
    } finally {
      await server.db.query(`REVOKE ALL ON ledger_balances FROM ${role}`);
      await server.db.query(`DROP ROLE ${role}`);
    }
  });

  it('are found out when they drift from the postings', async () => {
    const { merchantId } = await server.newMerchant('Drift');
    const ctx: RequestContext = { merchantId, actor: 'test' };
    const pm = (
      await createPaymentMethod(server.deps, ctx, {
        card: { number: CARDS.visa, exp_month: 12, exp_year: 2040 },
        metadata: {},
      })
    ).id;
    await intents.createIntent(server.deps, ctx, {
      amount: 700,
      currency: 'usd' as Currency,
      paymentMethodId: pm,
      confirm: true,
      captureMethod: 'automatic',
      description: null,
      metadata: {},
    });
    await server.db.query(
      `UPDATE ledger_balances SET balance = balance + 1 WHERE merchant_id = $1 AND kind = 'merchant_settling'`,
      [merchantId],
    );
    expect(await balanceDrift(server.db)).toEqual([
      { accountId: `${merchantId}:usd:merchant_settling`, postings: '-700', balance: '-699' },
    ]);
    await server.db.query(
      `UPDATE ledger_balances SET balance = balance - 1 WHERE merchant_id = $1 AND kind = 'merchant_settling'`,
      [merchantId],
    );
  });
});
