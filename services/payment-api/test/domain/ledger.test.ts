import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCurrency, type Currency } from '../../src/domain/currency.js';
import {
  ACCOUNT_KINDS,
  authorizationEntry,
  captureEntry,
  merchantBalance,
  refundEntry,
  releaseEntry,
  saleEntry,
  settlementEntry,
  type AccountKind,
  type LedgerEntry,
} from '../../src/domain/ledger.js';
import {
  applyAuthorization,
  cancel,
  capture,
  createPaymentIntent,
  refund,
  type PaymentIntentState,
} from '../../src/domain/payment-intent.js';

const usd = parseCurrency('usd') as Currency;

function sums(entries: readonly LedgerEntry[]): Partial<Record<AccountKind, number>> {
  const out: Partial<Record<AccountKind, number>> = {};
  for (const e of entries) for (const p of e.postings) out[p.account] = (out[p.account] ?? 0) + p.amount;
  return out;
}

describe('ledger posting rules', () => {
  it('authorization holds, capture posts and releases the rest, settlement makes it available, refund reverses', () => {
    // an authorized hold is neither pending nor available (Stripe's pending is captured, unsettled funds)
    const entries = [authorizationEntry(1000, usd)];
    expect(merchantBalance(sums(entries))).toEqual({ available: 0, pending: 0 });
    expect(sums(entries).merchant_pending).toBe(-1000);
    entries.push(captureEntry(1000, 600, usd, 50));
    expect(merchantBalance(sums(entries))).toEqual({ available: 0, pending: 550 });
    expect(sums(entries).cardholder_holds).toBe(0);
    entries.push(settlementEntry(550, usd) as LedgerEntry);
    expect(merchantBalance(sums(entries))).toEqual({ available: 550, pending: 0 });
    entries.push(refundEntry(100, usd));
    expect(merchantBalance(sums(entries))).toEqual({ available: 450, pending: 0 });
    expect(sums(entries).acquirer_receivable).toBe(500);
    expect(sums(entries).processing_fees).toBe(-50);
  });

  it('a refund before settlement comes out of the available balance, which may go negative (as at Stripe)', () => {
    const entries = [saleEntry(1000, usd, 59), refundEntry(400, usd)];
    expect(merchantBalance(sums(entries))).toEqual({ available: -400, pending: 941 });
    entries.push(settlementEntry(941, usd) as LedgerEntry);
    expect(merchantBalance(sums(entries))).toEqual({ available: 541, pending: 0 });
  });

  it('a settlement entry is balanced, and there is none for a zero net', () => {
    const e = settlementEntry(941, usd);
    expect(e?.kind).toBe('settlement');
    expect(e?.postings).toEqual([
      { account: 'merchant_settling', amount: 941 },
      { account: 'merchant_available', amount: -941 },
    ]);
    expect(settlementEntry(0, usd)).toBeNull();
    expect(() => settlementEntry(-1, usd)).toThrow(RangeError);
    expect(() => settlementEntry(1.5, usd)).toThrow(RangeError);
  });

  it('a sale equals an authorization plus a full capture', () => {
    const combined = sums([authorizationEntry(900, usd), captureEntry(900, 900, usd)]);
    const sale = sums([saleEntry(900, usd)]);
    for (const kind of ACCOUNT_KINDS) expect(sale[kind] ?? 0).toBe(combined[kind] ?? 0);
  });

  it('cancel releases the whole hold', () => {
    const entries = [authorizationEntry(700, usd), releaseEntry(700, usd)];
    expect(merchantBalance(sums(entries))).toEqual({ available: 0, pending: 0 });
    expect(sums(entries).merchant_pending).toBe(0);
  });

  it('rejects impossible entries', () => {
    expect(() => captureEntry(100, 101, usd)).toThrow(RangeError);
    expect(() => authorizationEntry(0, usd)).toThrow(RangeError);
    expect(() => refundEntry(-5, usd)).toThrow(RangeError);
  });

  type Op =
    | { kind: 'create'; amount: number; manual: boolean; approve: boolean }
    | { kind: 'capture'; index: number; fraction: number }
    | { kind: 'cancel'; index: number }
    | { kind: 'refund'; index: number; fraction: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('create' as const),
      amount: fc.integer({ min: 1, max: 99_999_999 }),
      manual: fc.boolean(),
      approve: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('capture' as const),
      index: fc.nat(),
      fraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
    }),
    fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }),
    fc.record({
      kind: fc.constant('refund' as const),
      index: fc.nat(),
      fraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
    }),
  );

  it('property: any sequence of payment operations keeps the sum of all postings at zero and refunds within captures', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const intents: PaymentIntentState[] = [];
        const entries: LedgerEntry[] = [];
        for (const o of ops) {
          try {
            if (o.kind === 'create') {
              const pi = createPaymentIntent({
                amount: o.amount,
                currency: usd,
                captureMethod: o.manual ? 'manual' : 'automatic',
                paymentMethodId: 'pm_x',
              });
              const t = applyAuthorization(
                pi,
                o.approve
                  ? { approved: true }
                  : { approved: false, error: { code: 'card_declined', declineCode: null, message: 'no' } },
              );
              intents.push(t.next);
              entries.push(...t.entries);
              continue;
            }
            if (intents.length === 0) continue;
            const i = o.index % intents.length;
            const pi = intents[i] as PaymentIntentState;
            if (o.kind === 'capture') {
              const t = capture(pi, Math.max(1, Math.round(pi.amountCapturable * o.fraction)));
              intents[i] = t.next;
              entries.push(...t.entries);
            } else if (o.kind === 'cancel') {
              const t = cancel(pi, null);
              intents[i] = t.next;
              entries.push(...t.entries);
            } else {
              const t = refund(
                pi,
                Math.max(1, Math.round((pi.amountReceived - pi.amountRefunded) * o.fraction)),
              );
              intents[i] = t.next;
              entries.push(...t.entries);
            }
          } catch {
            // invalid transitions are refused by the domain and must not write anything
          }
        }
        const total = entries.flatMap((e) => e.postings).reduce((a, p) => a + p.amount, 0);
        expect(total).toBe(0);
        for (const e of entries) expect(e.postings.reduce((a, p) => a + p.amount, 0)).toBe(0);
        // before settlement every capture is pending and every refund has come out of available
        const balance = merchantBalance(sums(entries));
        const received = intents.reduce((a, pi) => a + pi.amountReceived, 0);
        const refunded = intents.reduce((a, pi) => a + pi.amountRefunded, 0);
        const held = intents.reduce(
          (a, pi) => a + (pi.status === 'requires_capture' ? pi.amountCapturable : 0),
          0,
        );
        expect(balance.pending).toBe(received);
        expect(balance.available).toBe(0 - refunded);
        expect(0 - (sums(entries).merchant_pending ?? 0)).toBe(held);
        // settling the whole pending balance leaves exactly what was captured less what was refunded
        const settled = settlementEntry(balance.pending, usd);
        const after = merchantBalance(sums(settled ? [...entries, settled] : entries));
        expect(after).toEqual({ available: received - refunded, pending: 0 });
        for (const pi of intents) expect(pi.amountRefunded).toBeLessThanOrEqual(pi.amountReceived);
        for (const kind of ACCOUNT_KINDS) expect(Number.isSafeInteger(sums(entries)[kind] ?? 0)).toBe(true);
      }),
    );
  });
});
