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
