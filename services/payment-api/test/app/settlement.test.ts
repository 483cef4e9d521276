import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalance } from '../../src/app/balance.js';
import { getBalanceTransaction } from '../../src/app/balance-transactions.js';
import type { RequestContext } from '../../src/app/context.js';
import type { Deps } from '../../src/app/deps.js';
import * as intents from '../../src/app/payment-intents.js';
import { createPaymentMethod } from '../../src/app/payment-methods.js';
import { createRefund } from '../../src/app/refunds.js';
import { settlementTask } from '../../src/app/settlement-schedule.js';
import { reportKey, settleDay, settleMerchantDay, type SettlementDeps } from '../../src/app/settlement.js';
import { LocalDocumentStore } from '../../src/documents/local-document-store.js';
import type { Database, Queryable } from '../../src/db/database.js';
import type { Currency } from '../../src/domain/currency.js';
import { addDays, parseSettlementDate, utcDay } from '../../src/domain/settlement.js';
import { balanceDrift } from '../../src/store/ledger-store.js';
import { updateFeeSchedule } from '../../src/store/merchant-store.js';
import { sdkBackends } from '../support/backends.js';
import { CARDS, type TestServer } from '../support/server.js';

/**
 * The settlement run (ADR 0032) on real PostgreSQL and on the embedded default. Captures "from earlier days"
 * are made with a negative settlement delay, so that their available_on lies in the past without a clock.
 */
const backends = sdkBackends('settlement', { fees: 'stripe' });
const today = utcDay(new Date());

describe.each(backends)('settlement (%s)', (name, start) => {
  let server: TestServer;
  let close: () => Promise<void>;
  let documentsDir: string;
  let settlement: SettlementDeps;

  beforeAll(async () => {
    ({ server, close } = await start());
    documentsDir = mkdtempSync(join(tmpdir(), 'tessera-settlement-docs-'));
    settlement = { db: server.db, documents: new LocalDocumentStore(documentsDir) };
  }, 120_000);
  afterAll(async () => {
    await close?.();
    rmSync(documentsDir, { recursive: true, force: true });
  });

  /** A merchant with a card, and a way to pay as if `daysAgo` days before today (delay −daysAgo). */
  async function merchant() {
    const { merchantId } = await server.newMerchant(`Settles ${name}`);
    const ctx: RequestContext = { merchantId, actor: 'test' };
    const card = { number: CARDS.visa, exp_month: 12, exp_year: 2040 };
    const pm = (await createPaymentMethod(server.deps, ctx, { card, metadata: {} })).id;
    const dueDaysAgo = (days: number): Deps => ({ ...server.deps, settlementDelayDays: -days });
    const pay = async (deps: Deps, amount: number, currency = 'usd', capture?: number) => {
      const { intent } = await intents.createIntent(deps, ctx, {
        amount,
        currency: currency as Currency,
        paymentMethodId: pm,
        confirm: true,
        captureMethod: capture === undefined ? 'automatic' : 'manual',
        description: null,
        metadata: {},
      });
      if (capture === undefined) return intent;
      return (await intents.captureIntent(deps, ctx, intent.id, { amountToCapture: capture })).intent;
    };
    const txnOf = async (pi: { latestCharge: string | null; id: string }) => {
      const { rows } = await server.db.query<{ id: string }>(
        `SELECT id FROM ledger_transactions WHERE payment_intent_id = $1 AND kind IN ('sale', 'capture')`,
        [pi.id],
      );
      return getBalanceTransaction(server.deps, merchantId, rows[0]?.id as string);
    };
    return { merchantId, ctx, pay, dueDaysAgo, txnOf };
  }

  const byCurrency = (rows: readonly { currency: string; available: number; pending: number }[]) =>
    Object.fromEntries(rows.map((r) => [r.currency, { available: r.available, pending: r.pending }]));

  async function settlementEntries(merchantId: string) {
    const { rows } = await server.db.query<{ id: string; account: string; amount: string }>(
      `SELECT t.id, split_part(p.account_id, ':', 3) AS account, p.amount::text AS amount
         FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id
        WHERE t.merchant_id = $1 AND t.kind = 'settlement' ORDER BY t.id, p.leg`,
      [merchantId],
    );
    return rows;
  }

  it('keeps captures pending until their day is settled, then moves them to available in one balanced entry per currency, with a reconciling report', async () => {
    const m = await merchant();
    const three = addDays(today, -3);
    const sale = await m.pay(m.dueDaysAgo(3), 10_000); // fee 320 → net 9 680
    const captured = await m.pay(m.dueDaysAgo(3), 2_000, 'usd', 1_500); // fee 74 → net 1 426
    const yen = await m.pay(m.dueDaysAgo(3), 900, 'jpy'); // fee 26 + 30 = 56 → net 844
    const later = await m.pay(server.deps, 500); // due in 2 days (the default delay): fee 45 → net 455
    await createRefund(server.deps, m.ctx, {
      paymentIntentId: sale.id,
      amount: 1_000,
      reason: null,
      metadata: {},
    });

    // Stripe's balance: captured funds are pending, the refund came out of available at once
    expect(byCurrency(await getBalance(server.deps, m.merchantId))).toEqual({
      usd: { available: -1_000, pending: 9_680 + 1_426 + 455 },
      jpy: { available: 0, pending: 844 },
    });
    const saleTxn = await m.txnOf(sale);
    expect(saleTxn).toMatchObject({ status: 'pending', availableOn: new Date(`${three}T00:00:00Z`) });
    expect(await m.txnOf(later)).toMatchObject({
      status: 'pending',
      availableOn: new Date(`${addDays(today, 2)}T00:00:00Z`),
    });

    const result = await settleMerchantDay(settlement, m.merchantId, three, 'test');
    expect(result.settledNow).toBe(true);
    expect(result.totals.map((t) => [t.currency, t.count, t.amount, t.fee, t.net])).toEqual([
      ['jpy', 1, 900, 56, 844],
      ['usd', 2, 11_500, 394, 11_106],
    ]);
    expect(byCurrency(await getBalance(server.deps, m.merchantId))).toEqual({
      usd: { available: 11_106 - 1_000, pending: 455 },
      jpy: { available: 844, pending: 0 },
    });
    for (const pi of [sale, captured, yen]) expect((await m.txnOf(pi)).status).toBe('available');
    expect((await m.txnOf(later)).status).toBe('pending');

    // one balanced entry per currency: merchant_settling debited, merchant_available credited by the net
    const entries = await settlementEntries(m.merchantId);
    expect(entries).toHaveLength(4);
    const nets = new Map(
      entries.filter((e) => e.account === 'merchant_available').map((e) => [e.id, -Number(e.amount)]),
    );
    expect([...nets.values()].sort((a, b) => a - b)).toEqual([844, 11_106]);
    for (const id of nets.keys()) {
      expect(entries.filter((e) => e.id === id).reduce((sum, e) => sum + Number(e.amount), 0)).toBe(0);
    }
    expect(await balanceDrift(server.db)).toEqual([]);

    // the report: one line per settled balance transaction, then totals naming their ledger entry
    expect(result.report).toEqual({
      location: join(documentsDir, 'settlements', m.merchantId, `${three}.csv`),
      outcome: 'written',
    });
    const path = result.report?.location as string;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(documentsDir, 'settlements', m.merchantId)).mode & 0o777).toBe(0o700);
    const csv = readFileSync(path, 'utf8');
    const [header, ...lines] = csv
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header).toEqual([
      'id',
      'type',
      'created',
      'available_on',
      'currency',
      'amount',
      'fee',
      'net',
      'source',
    ]);
    const detail = lines.filter((l) => l[0] !== 'total');
    expect(detail.map((l) => l[0])).toEqual([
      (await m.txnOf(sale)).id,
      (await m.txnOf(captured)).id,
      (await m.txnOf(yen)).id,
    ]);
    expect(detail[0]).toEqual([
      saleTxn.id,
      'charge',
      saleTxn.created.toISOString(),
      three,
      'usd',
      '10000',
      '320',
      '9680',
      sale.latestCharge,
    ]);
    const totals = lines.filter((l) => l[0] === 'total');
    expect(totals.map((l) => l.slice(0, 8))).toEqual([
      ['total', '1 transactions', '', three, 'jpy', '900', '56', '844'],
      ['total', '2 transactions', '', three, 'usd', '11500', '394', '11106'],
    ]);
    for (const total of totals) {
      // reconciles: each total's net is what its ledger entry credited to merchant_available
      expect(nets.get(total[8] as string)).toBe(Number(total[7]));
      const sum = detail.filter((l) => l[4] === total[4]).reduce((s, l) => s + Number(l[7]), 0);
      expect(sum).toBe(Number(total[7]));
    }

    // re-running the day changes nothing and writes nothing new
    const ledgerRows = async () =>
      (await server.db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_postings')).rows[0]?.n;
    const before = await ledgerRows();
    const again = await settleMerchantDay(settlement, m.merchantId, three, 'test');
    expect(again.settledNow).toBe(false);
    expect(again.report?.outcome).toBe('exists');
    expect(again.totals).toEqual(result.totals);
    expect(await ledgerRows()).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(csv);
  });

  it('settles on a later day what an earlier run of its day could not see, once', async () => {
    const m = await merchant();
    const two = addDays(today, -2);
    const one = addDays(today, -1);
    await m.pay(m.dueDaysAgo(2), 1_000);
    expect((await settleMerchantDay(settlement, m.merchantId, two, 'test')).settledNow).toBe(true);
    // due on the day already settled (a delay of 0 and a run of that very day): the next day's run takes it
    const straggler = await m.pay(m.dueDaysAgo(2), 2_000);
    expect((await settleMerchantDay(settlement, m.merchantId, two, 'test')).settledNow).toBe(false);
    expect((await m.txnOf(straggler)).status).toBe('pending');
    const next = await settleMerchantDay(settlement, m.merchantId, one, 'test');
    expect(next.totals.map((t) => [t.currency, t.count, t.amount])).toEqual([['usd', 1, 2_000]]);
    expect((await m.txnOf(straggler)).status).toBe('available');
    expect((await settleMerchantDay(settlement, m.merchantId, today, 'test')).report).toBeNull();
  });

  it('serializes concurrent runs: each balance transaction is settled once, whichever days run in parallel', async () => {
    const m = await merchant();
    for (const amount of [1_000, 2_000, 3_000]) await m.pay(m.dueDaysAgo(4), amount);
    const four = addDays(today, -4);
    // every statement of a run's transaction takes 100 ms longer, so that the four runs overlap
    const slow: SettlementDeps = {
      ...settlement,
      db: Object.assign(Object.create(server.db) as Database, {
        transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
          server.db.transaction((tx) =>
            fn({
              query: async (...args: Parameters<Queryable['query']>) => {
                const result = await tx.query(...args);
                await new Promise((resolve) => setTimeout(resolve, 100));
                return result;
              },
            } as Queryable),
          ),
      }),
    };
    const runs = await Promise.all([
      settleMerchantDay(slow, m.merchantId, four, 'test'),
      settleMerchantDay(slow, m.merchantId, four, 'test'),
      settleMerchantDay(slow, m.merchantId, addDays(today, -1), 'test'),
      settleMerchantDay(slow, m.merchantId, today, 'test'),
    ]);
    expect(runs.filter((r) => r.settledNow)).toHaveLength(1);
    expect(await settlementEntries(m.merchantId)).toHaveLength(2);
    expect(byCurrency(await getBalance(server.deps, m.merchantId)).usd?.pending).toBe(0);
    const { rows } = await server.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM settlement_transactions s JOIN settlement_runs r ON r.id = s.run_id
        WHERE r.merchant_id = $1`,
      [m.merchantId],
    );
    expect(rows[0]?.n).toBe('3');
  });

  it('runs every merchant, or one, and refuses an unknown merchant', async () => {
    const a = await merchant();
    const b = await merchant();
    await a.pay(a.dueDaysAgo(5), 700);
    await b.pay(b.dueDaysAgo(5), 800);
    const five = addDays(today, -5);
    const onlyA = await settleDay(settlement, five, 'test', a.merchantId);
    expect(onlyA.map((r) => [r.merchantId, r.settledNow])).toEqual([[a.merchantId, true]]);
    const all = await settleDay(settlement, five, 'test');
    expect(all.find((r) => r.merchantId === b.merchantId)?.settledNow).toBe(true);
    expect(all.find((r) => r.merchantId === a.merchantId)?.settledNow).toBe(false);
    await expect(settleDay(settlement, five, 'test', 'acct_missing')).rejects.toThrow(
      'merchant acct_missing does not exist',
    );
  });

  it('records a run whose fees took the whole amount without a ledger entry, and reports it', async () => {
    const m = await merchant();
    // written before the first payment, so no process has cached the merchant's schedule yet
    await updateFeeSchedule(server.db, m.merchantId, { percentBps: 0, fixedAmount: 99_999_999 });
    const pi = await m.pay(m.dueDaysAgo(7), 600); // fee = the whole 600, net 0
    const seven = addDays(today, -7);
    const result = await settleMerchantDay(settlement, m.merchantId, seven, 'test');
    expect(result.totals).toEqual([
      { currency: 'usd', count: 1, amount: 600, fee: 600, net: 0, ledgerTransactionId: null },
    ]);
    expect(await settlementEntries(m.merchantId)).toEqual([]);
    expect((await m.txnOf(pi)).status).toBe('available');
    const csv = readFileSync(result.report?.location as string, 'utf8');
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe(`total,1 transactions,,${seven},usd,600,600,0,`);
  });

  it('schedules the daily run: not before the hour, then yesterday and earlier, at most once a day', async () => {
    const m = await merchant();
    const due = await m.pay(m.dueDaysAgo(6), 1_200);
    const dueToday = await m.pay(m.dueDaysAgo(0), 1_300);
    let clock = new Date(`${today}T01:59:59Z`);
    const settled: string[] = [];
    const task = settlementTask(settlement, {
      hourUtc: 2,
      now: () => clock,
      onSettled: (s) => s.merchantId === m.merchantId && settled.push(s.date),
    });
    expect(task.name).toBe('settlement');
    await task.run();
    expect((await m.txnOf(due)).status).toBe('pending');
    clock = new Date(`${today}T02:00:00Z`);
    await task.run();
    expect(settled).toEqual([addDays(today, -6)]);
    expect((await m.txnOf(due)).status).toBe('available');
    expect((await m.txnOf(dueToday)).status).toBe('pending');
    // at most once a day: a later tick of the same day does nothing, even with something new due
    const late = await m.pay(m.dueDaysAgo(3), 900);
    await task.run();
    expect((await m.txnOf(late)).status).toBe('pending');
    expect(settled).toHaveLength(1);
  });

  it('refuses a future day and a malformed one, naming the value', () => {
    expect(() => parseSettlementDate(addDays(today, 1), new Date())).toThrow(/is in the future/);
    expect(parseSettlementDate(today, new Date())).toBe(today);
    expect(() => parseSettlementDate('2026-02-30', new Date())).toThrow('"2026-02-30" is not a date');
    expect(() => parseSettlementDate('yesterday', new Date())).toThrow(/expected YYYY-MM-DD/);
    expect(reportKey('acct_1', today)).toBe(`settlements/acct_1/${today}.csv`);
  });
});
