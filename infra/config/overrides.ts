import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';

type Plain = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars in `override` replace the base value. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override))
    return (override === undefined ? base : override) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out as T;
}

/** Reads a JSON or YAML override file (`-c configFile=...`), resolved against `cwd`. */
export function readConfigFile(path: string, cwd: string = process.cwd()): Plain {
  const full = resolve(cwd, path);
  const ext = extname(full).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new ConfigError('context', [
      { field: 'configFile', value: path, problem: 'must end in .json, .yaml or .yml' },
    ]);
  }
  if (!existsSync(full)) {
    throw new ConfigError('context', [
      { field: 'configFile', value: path, problem: `does not exist (looked at ${full})` },
    ]);
  }
  const text = readFileSync(full, 'utf8');
  let parsed: unknown;
  try {
    parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${path}`, [
      { field: 'configFile', value: path, problem: `is not valid ${ext.slice(1)}: ${(e as Error).message}` },
    ]);
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(`config file ${path}`, [
      { field: '(root)', value: parsed, problem: 'must be an object of configuration keys' },
    ]);
  }
  return parsed;
}

/**
 * Every overridable leaf of the defaults as a dotted path (`natStrategy`, `accounts.payment`, ...).
 * Arrays are leaves; `envName` is chosen with `-c env=...`, not overridden.
 */
export function overridablePaths(defaults: unknown, prefix = ''): string[] {
  if (!isPlainObject(defaults)) return [prefix];
  return Object.entries(defaults).flatMap(([k, v]) =>
    prefix === '' && k === 'envName' ? [] : overridablePaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

export function getPath(obj: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function setPath(obj: Plain, path: string, value: unknown): Plain {
  const keys = path.split('.');
  const nested = keys.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value);
  return deepMerge(obj, nested);
}

/**
 * Coerces a context value (always a string on the command line) to the type of the default at that path:
 * `-c azCount=2` becomes the number 2, `-c availabilityZones=us-east-1a,us-east-1b` a list.
 */
export function coerceContextValue(field: string, raw: unknown, like: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (typeof like === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      throw new ConfigError('context', [{ field, value: raw, problem: 'must be a number' }]);
    }
    return n;
  }
  if (typeof like === 'boolean') {
    if (raw !== 'true' && raw !== 'false') {
      throw new ConfigError('context', [{ field, value: raw, problem: 'must be true or false' }]);
    }
    return raw === 'true';
  }
  if (Array.isArray(like)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new ConfigError('context', [
          { field, value: raw, problem: 'must be a JSON list or a comma-separated list' },
        ]);
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  return raw;
}

/** Applies `-c key=value` overrides for every known path that is present in the context. */
export function applyContextOverrides(
  config: Plain,
  defaults: unknown,
  getContext: (key: string) => unknown,
): Plain {
  let out = config;
  for (const path of overridablePaths(defaults)) {
    const raw = getContext(path);
    if (raw === undefined) continue;
    out = setPath(out, path, coerceContextValue(path, raw, getPath(defaults, path.split('.'))));
  }
  return out;
}
