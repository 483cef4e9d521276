import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../../config/index.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

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
  const keys = configKeys();
  const documented = new Set(documentedKeys());

  it('list every key of the schema', () => {
    expect(keys.length).toBeGreaterThan(60);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it('list no key the schema does not have', () => {
    expect([...documented].filter((key) => !keys.includes(key))).toEqual([]);
  });
});
