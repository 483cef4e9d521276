/**
 * Writes test/fixtures/stripe-schemas.json: the facts of Stripe's published OpenAPI definition (which fields
 * each object always has, their JSON types, nullability and enums) for the objects this API serves, as JSON
 * Schema for ajv. Run once per spec update:
 *   tsx scripts/stripe-schemas.ts <path to spec3.yaml> <repo> <commit> <path in repo> <commit date>
 * Component references outside the extracted set become "any object" (their own shape is not served here).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The objects the API serves and the sub-objects whose shape it fills in. */
const COMPONENTS = [
  'payment_intent',
  'payment_method',
  'payment_method_card',
  'payment_method_card_checks',
  'billing_details',
  'address',
  'refund',
  'charge',
  'charge_outcome',
  'payment_method_details',
  'payment_method_details_card',
  'payment_method_details_card_checks',
  'balance_transaction',
  'fee',
];

type OpenApiSchema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  anyOf?: OpenApiSchema[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
};
type JsonSchema = Record<string, unknown>;

function convert(s: OpenApiSchema, included: ReadonlySet<string>): JsonSchema {
  if (s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '');
    return included.has(name) ? { $ref: `#/definitions/${name}` } : { type: 'object' };
  }
  let out: JsonSchema;
  if (s.anyOf) out = { anyOf: s.anyOf.map((a) => convert(a, included)) };
  else if (s.type === 'array')
    out = { type: 'array', ...(s.items ? { items: convert(s.items, included) } : {}) };
  else if (s.type === 'object' && s.properties) out = objectSchema(s, included);
  else out = s.type ? { type: s.type } : {};
  if (s.enum && !s.nullable) out.enum = s.enum;
  if (s.enum && s.nullable) out.enum = [...s.enum, null];
  if (!s.nullable) return out;
  if (out.type) return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function objectSchema(s: OpenApiSchema, included: ReadonlySet<string>): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(s.properties ?? {}).map(([k, v]) => [k, convert(v, included)]),
  );
  return { type: 'object', required: s.required ?? [], properties };
}

function main(argv: string[]): void {
  const [specPath, repo, commit, path, date] = argv;
  if (!specPath || !repo || !commit || !path || !date) {
    throw new Error('usage: stripe-schemas.ts <spec3.yaml> <repo> <commit> <path> <commit date>');
  }
  const spec = parse(readFileSync(specPath, 'utf8')) as {
    info: { version: string };
    components: { schemas: Record<string, OpenApiSchema> };
  };
  const included = new Set(COMPONENTS);
  const definitions = Object.fromEntries(
    COMPONENTS.map((name) => {
      const schema = spec.components.schemas[name];
      if (!schema) throw new Error(`component ${name} is not in the spec`);
      return [name, objectSchema(schema, included)];
    }),
  );
  const fixture = {
    source: { repo, commit, path, committed: date, apiVersion: spec.info.version },
    definitions,
  };
  const out = fileURLToPath(new URL('../test/fixtures/stripe-schemas.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
}

main(process.argv.slice(2));
