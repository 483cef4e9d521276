import { DomainError } from './errors.js';

/**
 * Stripe's search query language (docs.stripe.com/search#search-query-language) for the fields a search
 * names: clauses `field:value` (exact), `field>value`, `field<value`, `field>=value`, `field<=value`, a
 * leading `-` negating one, joined all by AND or all by OR (Stripe refuses mixing them). Values are
 * quoted strings ('…' or "…") or numbers; `metadata['key']:'value'` matches a metadata key.
 */
export type SearchOperator = ':' | '>' | '<' | '>=' | '<=';

export interface SearchClause {
  readonly field: string;
  /** The metadata key, for `metadata['key']`. */
  readonly key?: string;
  readonly operator: SearchOperator;
  readonly value: string | number;
  readonly negated: boolean;
}

export interface SearchQuery {
  readonly clauses: readonly SearchClause[];
  readonly join: 'AND' | 'OR';
}

const CLAUSE =
  /^(-?)([a-z_]+)(?:\[(?:'([^']{1,40})'|"([^"]{1,40})")\])?(>=|<=|:|>|<)(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))/;

const invalid = (message: string) => new DomainError('parameter_invalid_string', message, 'query');

export function parseSearchQuery(text: string): SearchQuery {
  const clauses: SearchClause[] = [];
  const joins = new Set<'AND' | 'OR'>();
  let rest = text.trim();
  if (rest === '') throw invalid('The search query is empty.');
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m)
      throw invalid(`Invalid search query at '${rest.slice(0, 40)}': expected field:value, field>value, …`);
    const [whole, minus, field, key1, key2, operator, single, double, number] = m;
    const key = key1 ?? key2;
    clauses.push({
      field: field as string,
      ...(key === undefined ? {} : { key }),
      operator: operator as SearchOperator,
      value: number === undefined ? (single ?? double ?? '') : Number(number),
      negated: minus === '-',
    });
    rest = rest.slice(whole.length).trim();
    if (rest === '') break;
    const join = /^(AND|OR)\s+/.exec(rest);
    if (!join)
      throw invalid(`Invalid search query at '${rest.slice(0, 40)}': clauses are joined by AND or OR.`);
    joins.add(join[1] as 'AND' | 'OR');
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) throw invalid('A search query may not mix AND and OR.');
  if (clauses.length > 10) throw invalid('A search query may have at most 10 clauses.');
  return { clauses, join: joins.has('OR') ? 'OR' : 'AND' };
}
