import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule of ADR 0020, checked on the source text: domain/ is pure, app/ orchestrates, store/
 * owns the SQL, http/ owns the wire format. It reads string literals and imports with the TypeScript parser,
 * so comments and identifiers never count.
 */
const SRC = fileURLToPath(new URL('../src', import.meta.url));

const SQL = [
  /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s/,
  /\bSELECT\b[\s\S]+\bFROM\b/i,
  /\bINSERT\s+INTO\b/i,
  /\bUPDATE\s+\w+\s+SET\b/i,
  /\bDELETE\s+FROM\b/i,
];

/** The string literals of a module (template literals with `${}` where their expressions are). */
function stringsOf(source: string): string[] {
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, true);
  const strings: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      strings.push(node.head.text + node.templateSpans.map((s) => '${}' + s.literal.text).join(''));
    }
    if (!ts.isImportDeclaration(node)) ts.forEachChild(node, visit);
  };
  visit(file);
  return strings;
}

/** The SQL statements written in a module's string literals. */
export function sqlIn(source: string): string[] {
  return stringsOf(source).filter((s) => SQL.some((pattern) => pattern.test(s)));
}

/** The relative imports of a module, resolved to paths under src/ (e.g. "store/records.js"). */
function importsOf(path: string, source: string): string[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
  return file.statements
    .filter((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s))
    .map((s) => s.moduleSpecifier)
    .filter((m): m is ts.StringLiteral => m !== undefined && ts.isStringLiteral(m))
    .map((m) => m.text)
    .filter((m) => m.startsWith('.'))
    .map((m) => join(dirname(path), m));
}

const modules = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ path: f, source: readFileSync(join(SRC, f), 'utf8') }));

/** The folder under src/ a module lives in, or "(root)". */
function layer(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '(root)' : path.slice(0, slash);
}

/** Which layers each layer must not import. domain/ may import only domain/ (and node: built-ins). */
const FORBIDDEN: Record<string, readonly string[]> = {
  domain: ['app', 'http', 'store', 'db', 'vault', 'acquirer', '(root)'],
  store: ['app', 'http'],
  app: ['http'],
  db: ['app', 'http', 'store'],
  vault: ['app', 'http', 'store'],
  acquirer: ['app', 'http', 'store'],
  // The event stream's shared shapes and queue interfaces: plain types, like domain/.
  events: ['app', 'http', 'store', 'db', 'vault', 'acquirer', 'queue', '(root)'],
  // Queue adapters (SQS, in-process FIFO) know envelopes, never the database or the application.
  queue: ['app', 'http', 'store', 'db', 'vault', 'acquirer'],
  'webhook-client': ['app', 'http', 'store', 'db'],
};

describe('payment API layering (ADR 0020)', () => {
  it('finds SQL in string and template literals, not in comments or prose', () => {
    expect(
      sqlIn(`
        // SELECT id FROM payment_intents, in a comment
        const hint = 'Select a payment method, then confirm.';
        const a = 'SELECT 1';
        const b = \`SELECT \${columns} FROM \${table} WHERE id = $1\`;
        const c = "INSERT INTO refunds (id) VALUES ($1)";
        const d = \`UPDATE payment_intents SET status = $1\`;
        const e = 'DELETE FROM idempotency_keys';
      `),
    ).toEqual([
      'SELECT 1',
      'SELECT ${} FROM ${} WHERE id = $1',
      'INSERT INTO refunds (id) VALUES ($1)',
      'UPDATE payment_intents SET status = $1',
      'DELETE FROM idempotency_keys',
    ]);
  });

  it('writes SQL only in store/ and db/: none in app/, domain/, http/ or anywhere else', () => {
    const outside = modules
      .filter((m) => !['store', 'db'].includes(layer(m.path)))
      .flatMap((m) => sqlIn(m.source).map((sql) => `${m.path}: ${sql.trim().split('\n')[0]}`));
    expect(outside).toEqual([]);
    expect(
      modules.filter((m) => layer(m.path) === 'store' && sqlIn(m.source).length > 0).length,
    ).toBeGreaterThan(5);
  });

  it('imports one way: domain is pure, store never reaches app or http, app never reaches http', () => {
    expect(
      importsOf('app/refunds.ts', "import type { A } from '../store/records.js';\nexport * from './x.js';"),
    ).toEqual(['store/records.js', 'app/x.js']);
    const violations = modules.flatMap((m) =>
      importsOf(m.path, m.source)
        .filter((target) => FORBIDDEN[layer(m.path)]?.includes(layer(target)))
        .map((target) => `${m.path} imports ${target}`),
    );
    expect(violations).toEqual([]);
    const domainPackages = modules
      .filter((m) => layer(m.path) === 'domain')
      .flatMap((m) => [...m.source.matchAll(/from '([^.][^']*)'/g)].map((match) => match[1]))
      .filter((name) => !name?.startsWith('node:'));
    expect(domainPackages, 'domain/ uses no package').toEqual([]);
  });
});
