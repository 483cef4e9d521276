import { currencyExponent, type Currency } from './currency.js';

/** Largest amount a single payment may carry, in minor units (Stripe's 8-digit limit). */
export const MAX_AMOUNT = 99_999_999;

/** An amount of money in integer minor units of one currency. Never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export class MoneyError extends Error {}

function assertSafe(amount: number): number {
  if (!Number.isSafeInteger(amount)) throw new MoneyError(`amount ${amount} is not a safe integer`);
  return amount;
}

export function money(amount: number, currency: Currency): Money {
  // normalise -0 so that equal amounts compare equal
  return { amount: assertSafe(amount) + 0, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function negate(a: Money): Money {
  return money(a.amount === 0 ? 0 : -a.amount, a.currency);
}

export function sum(items: readonly Money[], currency: Currency): Money {
  return items.reduce((acc, m) => add(acc, m), money(0, currency));
}

/**
 * Splits an amount into parts proportional to integer weights without losing or creating a minor unit:
 * the remainder goes one unit at a time to the first parts (largest-remainder on equal weights).
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0 || weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new MoneyError('weights must be non-negative integers');
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum === 0) throw new MoneyError('weights must not all be zero');
  const sign = total.amount < 0 ? -1 : 1;
  const abs = Math.abs(total.amount);
  const parts = weights.map((w) => Number((BigInt(abs) * BigInt(w)) / BigInt(weightSum)));
  let remainder = abs - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % parts.length) {
    if (weights[i] === 0) continue;
    parts[i] = (parts[i] ?? 0) + 1;
    remainder -= 1;
  }
  return parts.map((p) => money(sign * p, total.currency));
}

/** Formats minor units as a decimal string in major units, e.g. 1050 usd -> "10.50", 500 jpy -> "500". */
export function toMajorString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const negative = m.amount < 0;
  const digits = Math.abs(m.amount)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Parses a major-unit decimal string exactly (no floats); rejects more decimals than the currency has. */
export function fromMajorString(value: string, currency: Currency): Money {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new MoneyError(`"${value}" is not a decimal amount`);
  const [, minus, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new MoneyError(`"${value}" has more than ${exponent} decimals for ${currency}`);
  }
  const minor = Number(`${whole}${fraction.padEnd(exponent, '0')}`);
  return money(minus && minor !== 0 ? -minor : minor, currency);
}

/** A chargeable amount: positive integer minor units up to MAX_AMOUNT. */
export function isValidChargeAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 1 && amount <= MAX_AMOUNT;
}
