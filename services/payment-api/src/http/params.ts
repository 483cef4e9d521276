import { parseCurrency, supportedCurrencies, type Currency } from '../domain/currency.js';
import { invalidRequest } from './errors.js';
import { FormError, parseForm } from './form.js';

/** NUL, or a UTF-16 surrogate without its pair: PostgreSQL text (and jsonb) can hold neither. */
const INVALID_TEXT = /[\0\p{Cs}]/u;
/** Deeper than any parameter this API has (card[number] is 2); also bounds the walk below. */
const MAX_NESTING = 10;

const nested = (name: string, key: string) => (name === '' ? key : `${name}[${key}]`);

/**
 * Rejects every string — value or key, at any depth, of a path, query or body — holding a NUL or a lone
 * surrogate, as `parameter_invalid_string` naming the parameter (Stripe's bracket notation).
 */
export function rejectInvalidText(value: unknown, name = '', depth = 0): void {
  if (typeof value === 'string') {
    if (INVALID_TEXT.test(value)) {
      throw invalidRequest(
        `Invalid string: ${name || 'the request body'} contains a NUL character or an unpaired UTF-16 surrogate.`,
        name || undefined,
        'parameter_invalid_string',
      );
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_NESTING) {
    throw invalidRequest(
      `${name ? `Parameter ${name}` : 'The request body'} is nested too deeply.`,
      name || undefined,
      'parameter_malformed',
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    rejectInvalidText(key, nested(name, key), depth + 1);
    rejectInvalidText(v, nested(name, key), depth + 1);
  }
}

const QUERY_ERROR = Symbol('query string error');

/**
 * Fastify's querystring parser: the same rules as form bodies (`a[]=`, `a[b]=`, a repeated parameter is an
 * error). The router cannot answer an error from here, so a malformed query string becomes an empty query
 * carrying its error, which `queryError` returns for a hook to throw.
 */
export function parseQuery(query: string): Record<string, unknown> {
  try {
    return parseForm(query);
  } catch (err) {
    if (!(err instanceof FormError)) throw err;
    return Object.defineProperty({}, QUERY_ERROR, { value: err });
  }
}

export function queryError(query: unknown): FormError | undefined {
  return (query as { [QUERY_ERROR]?: FormError } | null)?.[QUERY_ERROR];
}

/**
 * Reads request parameters one by one with Stripe's error messages, then `done()` rejects any parameter
 * that was not read. Accepts form values (strings) and JSON values (typed) alike.
 */
export class Params {
  private readonly seen = new Set<string>();
  private readonly values: Record<string, unknown>;

  constructor(
    body: unknown,
    private readonly prefix = '',
  ) {
    if (body === undefined || body === null || body === '') {
      this.values = {};
    } else if (typeof body === 'object' && !Array.isArray(body)) {
      this.values = body as Record<string, unknown>;
    } else {
      throw invalidRequest(
        prefix
          ? `Invalid object for ${prefix}.`
          : 'The request body must be a JSON object or form-encoded parameters.',
        prefix || undefined,
        'parameter_invalid_object',
      );
    }
  }

  private name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  private raw(key: string): unknown {
    this.seen.add(key);
    const v = this.values[key];
    return v === '' && typeof v === 'string' ? undefined : v;
  }

  private missing(key: string): never {
    throw invalidRequest(`Missing required param: ${this.name(key)}.`, this.name(key), 'parameter_missing');
  }

  string(key: string, opts: { required: true; maxLength?: number; pattern?: RegExp }): string;
  string(key: string, opts?: { required?: false; maxLength?: number; pattern?: RegExp }): string | null;
  string(
    key: string,
    opts: { required?: boolean; maxLength?: number; pattern?: RegExp } = {},
  ): string | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return opts.required ? this.missing(key) : null;
    if (typeof v !== 'string') {
      throw invalidRequest(
        `Invalid string: ${this.name(key)} must be a string.`,
        this.name(key),
        'parameter_invalid_string',
      );
    }
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      throw invalidRequest(
        `Invalid string: ${this.name(key)} must be at most ${opts.maxLength} characters.`,
        this.name(key),
        'parameter_invalid_string',
      );
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      throw invalidRequest(
        `Invalid value for ${this.name(key)}.`,
        this.name(key),
        'parameter_invalid_string',
      );
    }
    return v;
  }

  integer(key: string, opts: { required: true; min?: number; max?: number }): number;
  integer(key: string, opts?: { required?: false; min?: number; max?: number }): number | null;
  integer(key: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return opts.required ? this.missing(key) : null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) {
      throw invalidRequest(
        `Invalid integer: ${this.name(key)} must be an integer.`,
        this.name(key),
        'parameter_invalid_integer',
      );
    }
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      const range =
        opts.max === undefined
          ? `greater than or equal to ${opts.min}`
          : `between ${opts.min ?? '-∞'} and ${opts.max}`;
      throw invalidRequest(
        `Invalid integer: ${this.name(key)} must be ${range}.`,
        this.name(key),
        'parameter_invalid_integer',
      );
    }
    return n;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw invalidRequest(
      `Invalid boolean: ${this.name(key)} must be true or false.`,
      this.name(key),
      'parameter_invalid_boolean',
    );
  }

  enumeration<T extends string>(key: string, allowed: readonly T[], fallback: T | null): T | null {
    const v = this.string(key);
    if (v === null) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      throw invalidRequest(
        `Invalid ${this.name(key)}: must be one of ${allowed.join(', ')}.`,
        this.name(key),
        'parameter_invalid_string',
      );
    }
    return v as T;
  }

  currency(key: string): Currency {
    const v = this.string(key, { required: true });
    const c = parseCurrency(v);
    if (!c) {
      throw invalidRequest(
        `Invalid currency: ${v.slice(0, 10)}. Supported currencies: ${supportedCurrencies().join(', ')}.`,
        this.name(key),
        'parameter_invalid_string',
      );
    }
    return c;
  }

  id(key: string, prefix: string, required: true): string;
  id(key: string, prefix: string, required?: false): string | null;
  id(key: string, prefix: string, required = false): string | null {
    const v = required
      ? this.string(key, { required: true, maxLength: 255 })
      : this.string(key, { maxLength: 255 });
    // Underscores too: Stripe's test ids (pm_card_visa, tok_chargeDeclined) have them.
    if (v !== null && !new RegExp(`^${prefix}_[0-9A-Za-z_]+$`).test(v)) {
      throw invalidRequest(`No such ${key}: '${v.slice(0, 64)}'`, this.name(key), 'resource_missing', 404);
    }
    return v;
  }

  /** Stripe metadata: up to 50 keys, key <= 40 chars, value <= 500 chars, strings only. */
  metadata(key = 'metadata'): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw invalidRequest(
        `Invalid object: ${this.name(key)} must be a hash.`,
        this.name(key),
        'parameter_invalid_object',
      );
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > 50)
      throw invalidRequest('Metadata may have at most 50 keys.', this.name(key), 'parameter_invalid_object');
    const out: Record<string, string> = {};
    for (const [k, value] of entries) {
      const param = `${this.name(key)}[${k}]`;
      if (k.length === 0 || k.length > 40)
        throw invalidRequest('Metadata keys must be 1 to 40 characters.', param, 'parameter_invalid_string');
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw invalidRequest('Metadata values must be strings.', param, 'parameter_invalid_string');
      }
      const text = String(value);
      if (text.length > 500) {
        throw invalidRequest(
          'Metadata values must be at most 500 characters.',
          param,
          'parameter_invalid_string',
        );
      }
      out[k] = text;
    }
    return out;
  }

  object(key: string, required: true): Params;
  object(key: string, required?: false): Params | null;
  object(key: string, required = false): Params | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return required ? this.missing(key) : null;
    return new Params(v, this.name(key));
  }

  stringArray(key: string, allowed: readonly string[]): string[] | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return null;
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) {
      if (typeof item !== 'string' || !allowed.includes(item)) {
        throw invalidRequest(
          allowed.length === 0
            ? `${this.name(key)} is not supported here.`
            : `Invalid ${this.name(key)}: allowed values are ${allowed.join(', ')}.`,
          this.name(key),
          'parameter_invalid_string',
        );
      }
    }
    return list as string[];
  }

  /**
   * A list of strings (`a[]=x`, `a[0]=x` or a JSON array), each checked by `check` (a message, or null when
   * the item is fine) and refused naming its item (`a[2]`); a single value counts as a list of one.
   */
  strings(
    key: string,
    opts: { required?: boolean; maxItems: number; check: (item: string) => string | null },
  ): string[] | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return opts.required ? this.missing(key) : null;
    const list = Array.isArray(v) ? (v as unknown[]) : [v];
    if (list.length === 0 && opts.required) this.missing(key);
    if (list.length > opts.maxItems) {
      throw invalidRequest(
        `${this.name(key)} may have at most ${opts.maxItems} items.`,
        this.name(key),
        'parameter_invalid_array',
      );
    }
    return list.map((item, i) => {
      const name = `${this.name(key)}[${i}]`;
      if (typeof item !== 'string')
        throw invalidRequest(`Invalid string: ${name} must be a string.`, name, 'parameter_invalid_string');
      const problem = opts.check(item);
      if (problem) throw invalidRequest(problem, name, 'parameter_invalid_string');
      return item;
    });
  }

  /** The parameter was sent (an empty string counts: it unsets a field on an update). */
  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** The parameter was sent as a hash (`a[b]=…` or a JSON object). */
  isHash(key: string): boolean {
    const v = this.values[key];
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  /** The parameter was sent as an empty string (how an update unsets a hash such as shipping). */
  blank(key: string): boolean {
    if (this.values[key] !== '') return false;
    this.seen.add(key);
    return true;
  }

  /** Rejects parameters that were not read. */
  done(): void {
    for (const key of Object.keys(this.values)) {
      if (!this.seen.has(key)) {
        throw invalidRequest(
          `Received unknown parameter: ${this.name(key)}`,
          this.name(key),
          'parameter_unknown',
        );
      }
    }
  }
}

export function listPage(query: unknown) {
  const p = new Params(query);
  const page = pageOf(p);
  p.done();
  return page;
}

/**
 * The page parameters of a list (limit, starting_after, ending_before), read from `p` before its filters;
 * `expand` too unless the route reads it itself (`expandable: true`).
 */
export function pageOf(p: Params, expandable = false) {
  const limit = p.integer('limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = p.string('starting_after', { maxLength: 255 });
  const endingBefore = p.string('ending_before', { maxLength: 255 });
  if (!expandable) p.stringArray('expand', []);
  if (startingAfter && endingBefore) {
    throw invalidRequest(
      'You may only specify one of starting_after and ending_before.',
      'ending_before',
      'parameters_exclusive',
    );
  }
  return { limit, startingAfter, endingBefore };
}

/** `{ [name]: value }` when the parameter was given, else nothing: a list filter to spread. */
export function optional<K extends string>(name: K, value: string | null): { [P in K]?: string } {
  return (value === null ? {} : { [name]: value }) as { [P in K]?: string };
}

/**
 * Stripe's `created` list filter: `created=<unix seconds>` (exactly that second) or any of
 * `created[gt|gte|lt|lte]`.
 */
export function createdRange(p: Params): { gt?: number; gte?: number; lt?: number; lte?: number } {
  const bounds = { min: 0, max: 253_402_300_799 };
  if (!p.has('created')) return {};
  if (!p.isHash('created')) {
    const at = p.integer('created', bounds) as number;
    return { gte: at, lte: at };
  }
  const raw = p.object('created');
  if (raw === null) return {};
  const out: { gt?: number; gte?: number; lt?: number; lte?: number } = {};
  for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
    const v = raw.integer(key, bounds);
    if (v !== null) out[key] = v;
  }
  raw.done();
  return out;
}
