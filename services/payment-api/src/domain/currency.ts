/**
 * ISO 4217 currencies the API accepts, with their minor-unit exponent as Stripe applies it
 * (zero-decimal currencies such as JPY are charged in whole units; three-decimal ones such as KWD in mils).
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

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...ZERO_DECIMAL.map((c) => [c, 0] as const),
  ...TWO_DECIMAL.map((c) => [c, 2] as const),
  ...THREE_DECIMAL.map((c) => [c, 3] as const),
]);

export type Currency = string & { readonly __brand: 'Currency' };

export function supportedCurrencies(): string[] {
  return [...EXPONENTS.keys()].sort();
}

/** Parses a currency code case-insensitively; returns null when it is not supported. */
export function parseCurrency(code: string): Currency | null {
  const lower = code.toLowerCase();
  return EXPONENTS.has(lower) ? (lower as Currency) : null;
}

export function currencyExponent(currency: Currency): number {
  const exponent = EXPONENTS.get(currency);
  if (exponent === undefined) throw new Error(`unsupported currency ${currency}`);
  return exponent;
}
