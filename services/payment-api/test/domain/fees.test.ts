import { describe, expect, it } from 'vitest';
import { NO_FEES, processingFee, STRIPE_US_CARD_RATE } from '../../src/domain/fees.js';
import { captureEntry, saleEntry } from '../../src/domain/ledger.js';
import type { Currency } from '../../src/domain/currency.js';

const usd = 'usd' as Currency;

describe('processing fees', () => {
  it("default to Stripe's US card rate, 2.9 % + 30, rounding the percentage half up", () => {
    expect(processingFee(10_000, STRIPE_US_CARD_RATE)).toBe(320);
    expect(processingFee(1_500, STRIPE_US_CARD_RATE)).toBe(74); // 43.5 → 44
    expect(processingFee(1_499, STRIPE_US_CARD_RATE)).toBe(73); // 43.471 → 43
    expect(processingFee(99_999_999, STRIPE_US_CARD_RATE)).toBe(2_900_030);
  });

  it('never exceed the amount, and are zero without a schedule', () => {
    expect(processingFee(20, STRIPE_US_CARD_RATE)).toBe(20);
    expect(processingFee(5_000, NO_FEES)).toBe(0);
    expect(() => processingFee(1.5, STRIPE_US_CARD_RATE)).toThrow(RangeError);
  });

  it('are posted in the capturing entry, which stays balanced', () => {
    const sale = saleEntry(10_000, usd, 320);
    expect(sale.postings).toEqual([
      { account: 'acquirer_receivable', amount: 10_000 },
      { account: 'merchant_settling', amount: -10_000 },
      { account: 'merchant_settling', amount: 320 },
      { account: 'processing_fees', amount: -320 },
    ]);
    const capture = captureEntry(2_000, 1_500, usd, 74);
    expect(capture.postings.reduce((sum, p) => sum + p.amount, 0)).toBe(0);
    expect(saleEntry(100, usd).postings).toHaveLength(2);
    expect(() => saleEntry(100, usd, 101)).toThrow(/fee/);
    expect(() => saleEntry(100, usd, -1)).toThrow(/fee/);
  });
});
