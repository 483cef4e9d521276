import type { Construct } from 'constructs';
import type { z } from 'zod';
import { dev } from './dev.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { applyContextOverrides, deepMerge, getPath, readConfigFile } from './overrides.js';
import { prod } from './prod.js';
import {
  ENVIRONMENT_NAMES,
  environmentConfigSchema,
  type EnvironmentConfig,
  type EnvironmentName,
} from './schema.js';
import { staging } from './staging.js';

export { ConfigError, type ConfigIssue } from './errors.js';
export { assertDeployable, isDeploying } from './preflight.js';
export * from './schema.js';

const DEFAULTS: Record<EnvironmentName, EnvironmentConfig> = { dev, staging, prod };

export interface ConfigSources {
  /** Environment to start from. @default 'dev' */
  readonly envName?: string;
  /** Path of a JSON or YAML file merged over the defaults. @default - none */
  readonly configFile?: string;
  /** Context lookup for single-key overrides (`-c natStrategy=instance`). @default - no overrides */
  readonly getContext?: (key: string) => unknown;
  /** Directory `configFile` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** Returns the environment's defaults (a copy; callers may change it). */
export function defaultsFor(envName: string): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(envName)) {
    throw new ConfigError('context', [
      { field: 'env', value: envName, problem: `must be one of ${ENVIRONMENT_NAMES.join(' | ')}` },
    ]);
  }
  return structuredClone(DEFAULTS[envName as EnvironmentName]);
}

/** Defaults of the environment, then the override file, then single-key context overrides; validated. */
export function loadConfig(sources: ConfigSources = {}): EnvironmentConfig {
  const envName = sources.envName ?? 'dev';
  const defaults = defaultsFor(envName);
  let merged: Record<string, unknown> = { ...defaults };
  if (sources.configFile !== undefined) {
    const fromFile = readConfigFile(sources.configFile, sources.cwd);
    if ('envName' in fromFile && fromFile.envName !== envName) {
      throw new ConfigError(`config file ${sources.configFile}`, [
        { field: 'envName', value: fromFile.envName, problem: `must match -c env=${envName} or be left out` },
      ]);
    }
    merged = deepMerge(merged, fromFile);
  }
  if (sources.getContext) {
    merged = applyContextOverrides(merged, defaults, sources.getContext);
    merged = fitZonesToCount(merged, sources.getContext);
  }
  return validateConfig(merged, `env '${envName}'`);
}

/**
 * `-c azCount=2` alone keeps the first two configured zones, so a smaller environment needs one flag; a count
 * above the zones listed is left for validation to report.
 */
function fitZonesToCount(
  config: Record<string, unknown>,
  getContext: (key: string) => unknown,
): Record<string, unknown> {
  const zones = config.availabilityZones;
  const count = config.azCount;
  if (getContext('azCount') === undefined || getContext('availabilityZones') !== undefined) return config;
  if (!Array.isArray(zones) || typeof count !== 'number' || count >= zones.length || count < 1) return config;
  return { ...config, availabilityZones: zones.slice(0, count) };
}

/** Validates a raw configuration object and returns it typed, or throws a ConfigError listing every issue. */
export function validateConfig(raw: unknown, source = 'configuration'): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    source,
    result.error.issues.map((issue) => toConfigIssue(issue, raw)),
  );
}

function toConfigIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue {
  if (issue.code === 'unrecognized_keys') {
    return {
      field: [...issue.path, ...issue.keys].map(String).join('.'),
      value: getPath(
        raw,
        [...issue.path, issue.keys[0] ?? ''].map((p) => p as string | number),
      ),
      problem: 'is not a known configuration key',
    };
  }
  const path = issue.path.map((p) => p as string | number);
  return { field: path.join('.') || '(root)', value: getPath(raw, path), problem: issue.message };
}

/** Resolves the configuration for a CDK app from its context (`-c env=…`, `-c configFile=…`, `-c key=value`). */
export function resolveConfig(scope: Construct): EnvironmentConfig {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const envName = ctx('env');
  const configFile = ctx('configFile');
  return loadConfig({
    envName: envName === undefined ? undefined : String(envName),
    configFile: configFile === undefined ? undefined : String(configFile),
    getContext: ctx,
  });
}
