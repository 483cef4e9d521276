import { DomainError } from './errors.js';

/**
 * ISO 4217 currencies the API accepts, grouped by their minor unit as Stripe applies it: amounts are integers
 * in the minor unit (zero-decimal currencies such as JPY are charged in whole units; three-decimal ones such
 * as KWD in mils).
 */
const ZERO_DECIMAL = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
];
const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];
const TWO_DECIMAL = [
  'aed',
  'aud',
  'brl',
  'cad',
  'chf',
  'cny',
  'czk',
  'dkk',
  'eur',
  'gbp',
  'hkd',
  'huf',
  'ils',
  'inr',
  'mxn',
  'myr',
  'nok',
  'nzd',
  'php',
  'pln',
  'ron',
  'sar',
  'sek',
  'sgd',
  'thb',
  'try',
  'twd',
  'usd',
  'zar',
];

const SUPPORTED: ReadonlySet<string> = new Set([...ZERO_DECIMAL, ...TWO_DECIMAL, ...THREE_DECIMAL]);

export type Currency = string & { readonly __brand: 'Currency' };

export function supportedCurrencies(): string[] {
  return [...SUPPORTED].sort();
}

/** Parses a currency code case-insensitively; returns null when it is not supported. */
export function parseCurrency(code: string): Currency | null {
  const lower = code.toLowerCase();
  return SUPPORTED.has(lower) ? (lower as Currency) : null;
}

/**
 * Stripe's documented minimum charge amounts, in each currency's minor unit (docs.stripe.com/currencies,
 * "Minimum and maximum charge amounts"). Stripe derives the minimum of any other currency from 0.50 USD at
 * the day's exchange rate; this service has no exchange rates, so those currencies only need a positive
 * amount.
 */
export const MINIMUM_AMOUNTS: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/** 400 amount_too_small naming `amount` when the amount is below the currency's minimum charge. */
export function checkMinimumAmount(amount: number, currency: Currency): void {
  const minimum = MINIMUM_AMOUNTS[currency];
  if (minimum !== undefined && amount < minimum) {
    throw new DomainError(
      'amount_too_small',
      `Amount must be at least ${minimum} in the minor unit of ${currency} (amount ${amount} was given).`,
      'amount',
    );
  }
}
