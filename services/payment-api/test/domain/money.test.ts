import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, parseCurrency, type Currency } from '../../src/domain/currency.js';
import {
  add,
  allocate,
  fromMajorString,
  isValidChargeAmount,
  MAX_AMOUNT,
  money,
  MoneyError,
  negate,
  subtract,
  sum,
  toMajorString,
} from '../../src/domain/money.js';

const usd = parseCurrency('USD') as Currency;
const jpy = parseCurrency('jpy') as Currency;
const kwd = parseCurrency('kwd') as Currency;
const currencies = fc.constantFrom(usd, jpy, kwd, parseCurrency('eur') as Currency);
const amount = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });

describe('currencies', () => {
  it('knows the minor-unit exponents Stripe uses', () => {
    expect(currencyExponent(usd)).toBe(2);
    expect(currencyExponent(jpy)).toBe(0);
    expect(currencyExponent(kwd)).toBe(3);
    expect(parseCurrency('xyz')).toBeNull();
  });
});

describe('money arithmetic', () => {
  it('formats and parses major units exactly', () => {
    expect(toMajorString(money(1050, usd))).toBe('10.50');
    expect(toMajorString(money(5, usd))).toBe('0.05');
    expect(toMajorString(money(-5, usd))).toBe('-0.05');
    expect(toMajorString(money(500, jpy))).toBe('500');
    expect(toMajorString(money(1234, kwd))).toBe('1.234');
    expect(fromMajorString('10.5', usd).amount).toBe(1050);
    expect(() => fromMajorString('10.505', usd)).toThrow(MoneyError);
    expect(() => fromMajorString('1.5', jpy)).toThrow(MoneyError);
    expect(() => fromMajorString('abc', usd)).toThrow(MoneyError);
  });

  it('refuses to mix currencies and non-integer amounts', () => {
    expect(() => add(money(1, usd), money(1, jpy))).toThrow(/currency mismatch/);
    expect(() => money(1.5, usd)).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 2, usd)).toThrow(MoneyError);
  });

  it('validates chargeable amounts', () => {
    expect(isValidChargeAmount(1)).toBe(true);
    expect(isValidChargeAmount(MAX_AMOUNT)).toBe(true);
    expect(isValidChargeAmount(0)).toBe(false);
    expect(isValidChargeAmount(MAX_AMOUNT + 1)).toBe(false);
    expect(isValidChargeAmount(10.5)).toBe(false);
  });

  it('property: addition is commutative and associative, subtraction inverts it', () => {
    fc.assert(
      fc.property(currencies, amount, amount, amount, (c, a, b, d) => {
        const [x, y, z] = [money(a, c), money(b, c), money(d, c)];
        expect(add(x, y)).toEqual(add(y, x));
        expect(add(add(x, y), z)).toEqual(add(x, add(y, z)));
        expect(subtract(add(x, y), y)).toEqual(x);
        expect(add(x, negate(x)).amount).toBe(0);
      }),
    );
  });

  it('property: major-unit strings round-trip', () => {
    fc.assert(
      fc.property(currencies, amount, (c, a) => {
        expect(fromMajorString(toMajorString(money(a, c)), c)).toEqual(money(a, c));
      }),
    );
  });

  it('property: allocation never loses or creates a minor unit and stays within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        currencies,
        amount,
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 })
          .filter((w) => w.some((x) => x > 0)),
        (c, a, weights) => {
          const parts = allocate(money(a, c), weights);
          expect(sum(parts, c).amount).toBe(a);
          const total = weights.reduce((x, y) => x + y, 0);
          parts.forEach((p, i) => {
            const exact = (a * (weights[i] ?? 0)) / total;
            expect(Math.abs(p.amount - exact)).toBeLessThanOrEqual(1);
            if (weights[i] === 0) expect(p.amount).toBe(0);
          });
        },
      ),
    );
  });
});
