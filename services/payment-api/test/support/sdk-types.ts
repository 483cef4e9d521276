import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The fields the official stripe SDK's TypeScript declarations mark as always present (declared without
 * `?`, typed `| null` when they may be unset) on one of its object interfaces: `Charge` for a top-level
 * interface, `PaymentMethod.Card` for one nested in its namespace. Read from the installed package's .d.ts,
 * so the list follows the SDK version the tests run against.
 */
export function sdkAlwaysPresent(resourceFile: string, name: string): string[] {
  // the package's CommonJS entry is <root>/cjs/stripe.cjs.node.js; its declarations sit in <root>/esm
  const root = dirname(dirname(createRequire(import.meta.url).resolve('stripe')));
  const text = readFileSync(join(root, 'esm', 'resources', `${resourceFile}.d.ts`), 'utf8');
  const lines = text.split('\n');
  const open = findDeclaration(lines, name.split('.'));
  if (open < 0) throw new Error(`stripe SDK declares no ${name} in ${resourceFile}.d.ts`);
  const indent = (lines[open]?.match(/^ */)?.[0].length ?? 0) + 4;
  const member = new RegExp(`^ {${indent}}([a-z0-9_]+)(\\??):`);
  const fields: string[] = [];
  for (const line of lines.slice(open + 1)) {
    if (line.startsWith(`${' '.repeat(indent - 4)}}`)) break;
    const m = member.exec(line);
    if (m && m[2] === '') fields.push(m[1] as string);
  }
  return fields;
}

/** The line opening `A.B.C`: interface C in namespace B in namespace A (each nesting level 4 spaces). */
function findDeclaration(lines: string[], path: string[]): number {
  let from = 0;
  for (const [depth, part] of path.entries()) {
    const pad = ' '.repeat(4 * depth);
    const last = depth === path.length - 1;
    const opening =
      depth === 0
        ? last
          ? `export interface ${part} {`
          : `export declare namespace ${part} {`
        : last
          ? `${pad}interface ${part} {`
          : `${pad}namespace ${part} {`;
    const at = lines.slice(from).findIndex((l) => l.startsWith(opening));
    if (at < 0) return -1;
    from += at + (last ? 0 : 1);
  }
  return from;
}
