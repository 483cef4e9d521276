import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';

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

/** Every leaf of a plain object as a dotted path (`network.natStrategy`, `accounts.payment`, ...); arrays are leaves. */
export function leafPaths(obj: unknown, prefix = ''): string[] {
  if (!isPlainObject(obj)) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Every overridable leaf of the defaults; `envName` is chosen with `-c env=...`, not overridden. */
export function overridablePaths(defaults: unknown): string[] {
  return leafPaths(defaults).filter((path) => path !== 'envName');
}

/** Keys earlier versions read, with where their value lives now, so an old flag or file fails instead of being ignored. */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  azCount:
    'was removed: the VPC spans every zone in availabilityZones; shrink with -c availabilityZones=us-east-1a,us-east-1b',
  vpcCidrs: 'moved to network.vpcCidrs',
  natStrategy: 'moved to network.natStrategy',
  natInstance: 'moved to network.natInstance',
  interfaceEndpoints: 'moved to network.interfaceEndpoints',
  flowLogs: 'moved to network.flowLogs',
};

/** One issue per dotted key (`natStrategy`, `natInstance.instanceType`) of `values` whose top key is retired. */
export function retiredKeyIssues(values: Readonly<Record<string, unknown>>): ConfigIssue[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const retired = RETIRED_KEYS[key.split('.')[0] ?? ''];
    return retired === undefined ? [] : [{ field: key, value, problem: retired }];
  });
}

/** A plain object's leaves keyed by dotted path. */
export function flatten(obj: unknown): Record<string, unknown> {
  return Object.fromEntries(leafPaths(obj).map((path) => [path, getPath(obj, path.split('.'))]));
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
 * `-c data.rotationDays=14` becomes the number 14, `-c availabilityZones=us-east-1a,us-east-1b` a list (of numbers
 * where the default is one).
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
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    // A list of numbers (processing.webhooks.retryScheduleSeconds=60,300,1800) stays a list of numbers.
    if (like.length > 0 && like.every((item) => typeof item === 'number')) {
      return items.map((item, i) => coerceContextValue(`${field}.${i}`, item, 0));
    }
    return items;
  }
  return raw;
}

/** Applies `-c key=value` overrides for every known path that is present in the context. */
export function applyContextOverrides(
  config: Plain,
  defaults: unknown,
  getContext: (key: string) => unknown,
  schemaKeys: readonly string[] = [],
): Plain {
  let out = config;
  // The schema adds the optional keys the defaults leave unset (data.restoreFromSnapshot, edge.certificateArn).
  for (const path of new Set([...overridablePaths(defaults), ...schemaKeys])) {
    const raw = getContext(path);
    if (raw === undefined) continue;
    out = setPath(out, path, coerceContextValue(path, raw, getPath(defaults, path.split('.'))));
  }
  return out;
}
