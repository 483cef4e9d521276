/**
 * Parses application/x-www-form-urlencoded bodies and query strings the way Stripe clients encode them:
 * `metadata[order]=1` → { metadata: { order: '1' } }, `a[]=x&a[]=y` and `a[0]=x` → arrays, `a[b][c]=d` nests.
 * Throws FormError on a parameter sent twice (`amount=1&amount=2`), conflicting shapes (`a=1&a[b]=2`),
 * bad percent-encoding or over-deep nesting.
 */
export class FormError extends Error {
  constructor(
    message: string,
    readonly param: string,
    /** `parameter_duplicate` for a repeated parameter, `parameter_malformed` for anything unparseable. */
    readonly code: 'parameter_duplicate' | 'parameter_malformed' = 'parameter_malformed',
  ) {
    super(message);
  }
}

type Node = { [key: string]: Value };
type Value = string | Node | Value[];

const MAX_DEPTH = 5;
const MAX_PARAMS = 1000;

function splitKey(raw: string): string[] {
  const first = raw.indexOf('[');
  if (first <= 0) return [raw];
  const parts = [raw.slice(0, first)];
  const re = /\[([^[\]]*)\]/gy;
  re.lastIndex = first;
  let match: RegExpExecArray | null;
  while ((match = re.exec(raw)) !== null) parts.push(match[1] ?? '');
  if (re.lastIndex !== raw.length && re.lastIndex !== 0)
    throw new FormError(`Malformed parameter name: ${raw}`, raw);
  if (parts.length === 1) throw new FormError(`Malformed parameter name: ${raw}`, raw);
  return parts;
}

export function parseForm(body: string): Record<string, unknown> {
  const root: Node = Object.create(null) as Node;
  if (body.trim() === '') return {};
  const pairs = body.split('&').filter((p) => p !== '');
  if (pairs.length > MAX_PARAMS) throw new FormError(`Too many parameters (more than ${MAX_PARAMS}).`, '');
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw new FormError('The parameters are not valid form encoding (bad percent-escape or UTF-8).', '');
    }
    const path = splitKey(key);
    if (path.length > MAX_DEPTH + 1) throw new FormError(`Parameter ${key} is nested too deeply.`, key);
    assign(root, path, value, key);
  }
  return normalizeArrays(root) as Record<string, unknown>;
}

function assign(root: Node, path: string[], value: string, fullKey: string): void {
  let node: Node = root;
  for (let i = 0; i < path.length; i += 1) {
    const part = path[i] as string;
    const last = i === path.length - 1;
    if (part === '__proto__' || part === 'constructor' || part === 'prototype') {
      throw new FormError(`Invalid parameter name: ${fullKey}`, fullKey);
    }
    if (last) {
      if (part === '') {
        // a[]=x appends; modelled as an object with numeric keys, turned into an array afterwards
        const next = String(Object.keys(node).length);
        node[next] = value;
      } else {
        const existing = node[part];
        if (typeof existing === 'string') {
          throw new FormError(
            `Received duplicate parameter: ${fullKey}. Send each parameter once (a list as name[]=…&name[]=…).`,
            fullKey,
            'parameter_duplicate',
          );
        }
        if (existing !== undefined) throw new FormError(`Conflicting values for ${fullKey}.`, fullKey);
        node[part] = value;
      }
      return;
    }
    const key = part === '' ? String(Object.keys(node).length) : part;
    const existing = node[key];
    if (existing === undefined) {
      const child: Node = Object.create(null) as Node;
      node[key] = child;
      node = child;
    } else if (typeof existing === 'object' && !Array.isArray(existing)) {
      node = existing;
    } else {
      throw new FormError(`Conflicting values for ${fullKey}.`, fullKey);
    }
  }
}

/** Objects whose keys are exactly 0..n-1 become arrays. */
function normalizeArrays(value: Value): unknown {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalizeArrays(value[k] as Value);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => out[k]);
  return out;
}
