import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectBrand, luhnValid, normalizeCardNumber, validateCard } from '../../src/vault/index.js';
import type { CardInput } from '../../src/vault/index.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const card = (overrides: Partial<CardInput> = {}): CardInput => ({
  number: '4242424242424242',
  exp_month: 12,
  exp_year: 2030,
  cvc: '123',
  ...overrides,
});

/** Stripe's documented test numbers (https://docs.stripe.com/testing) and their brands. */
const STRIPE_TEST_CARDS: Array<[string, string]> = [
  ['4242424242424242', 'visa'],
  ['4000056655665556', 'visa'],
  ['5555555555554444', 'mastercard'],
  ['2223003122003222', 'mastercard'],
  ['5200828282828210', 'mastercard'],
  ['5105105105105100', 'mastercard'],
  ['378282246310005', 'amex'],
  ['371449635398431', 'amex'],
  ['6011111111111117', 'discover'],
  ['6011000990139424', 'discover'],
  ['6011981111111113', 'discover'],
  ['3056930009020004', 'diners'],
  ['36227206271667', 'diners'],
  ['3566002020360505', 'jcb'],
  ['6200000000000005', 'unionpay'],
];

describe('detectBrand', () => {
  it.each(STRIPE_TEST_CARDS)('%s is %s', (pan, brand) => {
    expect(detectBrand(pan)).toBe(brand);
  });

  it('covers the Mastercard 2-series range bounds', () => {
    expect(detectBrand('2221000000000009')).toBe('mastercard');
    expect(detectBrand('2720990000000007')).toBe('mastercard');
    expect(detectBrand('2220990000000000')).toBe('unknown');
    expect(detectBrand('2721000000000000')).toBe('unknown');
  });

  it('is unknown for unassigned prefixes and for anything that is not digits', () => {
    expect(detectBrand('9999999999999995')).toBe('unknown');
    expect(detectBrand('')).toBe('unknown');
    expect(detectBrand('4242 4242 4242 4242')).toBe('unknown');
    expect(detectBrand('abcd')).toBe('unknown');
  });
});

describe('luhnValid', () => {
  it.each(STRIPE_TEST_CARDS)('accepts %s', (pan) => {
    expect(luhnValid(pan)).toBe(true);
  });

  it('has exactly one valid check digit for any payload', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,18}$/), (payload) => {
        const valid = '0123456789'.split('').filter((d) => luhnValid(payload + d));
        expect(valid).toHaveLength(1);
      }),
    );
  });

  it('detects every single-digit substitution', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{11,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (payload, position, delta) => {
          const check = '0123456789'.split('').find((d) => luhnValid(payload + d)) ?? '';
          const pan = payload + check;
          const i = position % pan.length;
          const changed = pan.slice(0, i) + String((Number(pan[i]) + delta) % 10) + pan.slice(i + 1);
          expect(luhnValid(changed)).toBe(false);
        },
      ),
    );
  });

  it('rejects non-digits', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4242-4242')).toBe(false);
  });
});

describe('validateCard', () => {
  it.each(STRIPE_TEST_CARDS)('accepts %s (%s)', (pan, brand) => {
    expect(validateCard(card({ number: pan, cvc: brand === 'amex' ? '1234' : '123' }), NOW)).toBeNull();
  });

  it('accepts a card without a CVC and a card expiring this month', () => {
    expect(validateCard(card({ cvc: undefined }), NOW)).toBeNull();
    expect(validateCard(card({ exp_month: 6, exp_year: 2026 }), NOW)).toBeNull();
  });

  it('accepts two-digit years as 20xx', () => {
    expect(validateCard(card({ exp_year: 30 }), NOW)).toBeNull();
    expect(validateCard(card({ exp_year: 25 }), NOW)).toMatchObject({ code: 'expired_card' });
  });

  const rejections: Array<[string, Partial<CardInput>, string, string, string]> = [
    [
      'non-digits',
      { number: '4242-4242-4242-4242' },
      'card[number]',
      'invalid_number',
      'not a valid credit card number',
    ],
    ['an empty number', { number: '' }, 'card[number]', 'invalid_number', 'not a valid credit card number'],
    ['a Visa of 15 digits', { number: '424242424242428' }, 'card[number]', 'invalid_number', 'not a valid'],
    ['an Amex of 16 digits', { number: '3782822463100052' }, 'card[number]', 'invalid_number', 'not a valid'],
    [
      'a 20-digit number',
      { number: '42424242424242424242' },
      'card[number]',
      'invalid_number',
      'not a valid',
    ],
    [
      'a Luhn failure',
      { number: '4242424242424241' },
      'card[number]',
      'incorrect_number',
      'Your card number is incorrect.',
    ],
    ['month 0', { exp_month: 0 }, 'card[exp_month]', 'invalid_expiry_month', 'expiration month is invalid'],
    ['month 13', { exp_month: 13 }, 'card[exp_month]', 'invalid_expiry_month', 'expiration month is invalid'],
    [
      'month 1.5',
      { exp_month: 1.5 },
      'card[exp_month]',
      'invalid_expiry_month',
      'expiration month is invalid',
    ],
    ['year 202', { exp_year: 202 }, 'card[exp_year]', 'invalid_expiry_year', 'expiration year is invalid'],
    ['year -1', { exp_year: -1 }, 'card[exp_year]', 'invalid_expiry_year', 'expiration year is invalid'],
    [
      'a year 51 years ahead',
      { exp_year: 2077 },
      'card[exp_year]',
      'invalid_expiry_year',
      'expiration year is invalid',
    ],
    [
      'NaN as year',
      { exp_year: Number.NaN },
      'card[exp_year]',
      'invalid_expiry_year',
      'expiration year is invalid',
    ],
    ['last year', { exp_year: 2025 }, 'card[exp_year]', 'expired_card', 'Your card has expired.'],
    [
      'last month',
      { exp_month: 5, exp_year: 2026 },
      'card[exp_month]',
      'expired_card',
      'Your card has expired.',
    ],
    ['a 2-digit CVC', { cvc: '12' }, 'card[cvc]', 'invalid_cvc', 'security code is invalid'],
    ['a 4-digit CVC on a Visa', { cvc: '1234' }, 'card[cvc]', 'invalid_cvc', 'security code is invalid'],
    ['a letter in the CVC', { cvc: '12a' }, 'card[cvc]', 'invalid_cvc', 'security code is invalid'],
    [
      'a 3-digit CVC on an Amex',
      { number: '378282246310005', cvc: '123' },
      'card[cvc]',
      'invalid_cvc',
      'invalid',
    ],
  ];

  it.each(rejections)('rejects %s', (_what, overrides, param, code, message) => {
    const error = validateCard(card(overrides), NOW);
    expect(error).toMatchObject({ param, code });
    expect(error?.message).toContain(message);
  });

  it('reports the number before the expiry and the expiry before the CVC', () => {
    expect(validateCard(card({ number: '4242424242424241', exp_month: 13, cvc: 'x' }), NOW)?.param).toBe(
      'card[number]',
    );
    expect(validateCard(card({ exp_month: 13, cvc: 'x' }), NOW)?.param).toBe('card[exp_month]');
  });

  it('never echoes the number or the CVC in its messages', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{12,20}$/),
        fc.integer({ min: -5, max: 20 }),
        fc.integer({ min: 2000, max: 2100 }),
        fc.stringMatching(/^\d{2,5}$/),
        (number, exp_month, exp_year, cvc) => {
          const error = validateCard({ number, exp_month, exp_year, cvc }, NOW);
          if (error !== null) {
            expect(error.message).not.toContain(number);
            expect(error.message).not.toContain(number.slice(-4));
            expect(error.message).not.toMatch(/\d{3}/);
          }
        },
      ),
    );
  });
});

describe('normalizeCardNumber', () => {
  it('removes spaces and hyphens only', () => {
    expect(normalizeCardNumber(' 4242 4242-4242 4242 ')).toBe('4242424242424242');
    expect(normalizeCardNumber('4242x')).toBe('4242x');
  });
});
