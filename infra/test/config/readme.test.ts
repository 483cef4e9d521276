import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { environmentConfigSchema } from '../../config/index.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** Every configuration key as a dotted path; records, lists and unions are one key each. */
function schemaKeys(schema: z.core.$ZodType, prefix = ''): string[] {
  let current = schema;
  while (current._zod.def.type === 'optional')
    current = (current._zod.def as z.core.$ZodOptionalDef).innerType;
  const def = current._zod.def;
  if (def.type !== 'object') return [prefix];
  return Object.entries((def as z.core.$ZodObjectDef).shape).flatMap(([key, value]) =>
    schemaKeys(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** The backticked keys in the first column of the tables of the README's Configuration section. */
function documentedKeys(): string[] {
  const start = README.indexOf('\n## Configuration\n');
  const end = README.indexOf('\n## ', start + 1);
  const rows = README.slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)]
      .map((m) => m[1] ?? '')
      .filter((token) => /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*$/.test(token) && !token.endsWith('.ts')),
  );
}

describe("the README's configuration tables", () => {
  const keys = schemaKeys(environmentConfigSchema);
  const documented = new Set(documentedKeys());

  it('list every key of the schema', () => {
    expect(keys.length).toBeGreaterThan(60);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it('list no key the schema does not have', () => {
    expect([...documented].filter((key) => !keys.includes(key))).toEqual([]);
  });
});
