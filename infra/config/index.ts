import type { Construct } from 'constructs';
import type { z } from 'zod';
import { dev } from './dev.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import {
  applyContextOverrides,
  deepMerge,
  getPath,
  flatten,
  readConfigFile,
  retiredKeyIssues,
} from './overrides.js';
import { ENVIRONMENT_NAMES, type EnvironmentName, oneOf } from './primitives.js';
import { prod } from './prod.js';
import { configKeys, environmentConfigSchema, type EnvironmentConfig } from './schema.js';
import { staging } from './staging.js';

export { ConfigError, type ConfigIssue } from './errors.js';
export { assertDeployable, isDeploying } from './preflight.js';
export { configKeys, environmentConfigSchema, type EnvironmentConfig } from './schema.js';
export { ENVIRONMENT_NAMES, type EnvironmentName } from './primitives.js';

const DEFAULTS: Record<EnvironmentName, EnvironmentConfig> = { dev, staging, prod };

export interface ConfigSources {
  /** Environment to start from. @default 'dev' */
  readonly envName?: string;
  /** Path of a JSON or YAML file merged over the defaults. @default - none */
  readonly configFile?: string;
  /** Context lookup for single-key overrides (`-c network.natStrategy=instance`). @default - no overrides */
  readonly getContext?: (key: string) => unknown;
  /** Every context value given, so that keys this version no longer reads are reported. @default - not checked */
  readonly contextValues?: Readonly<Record<string, unknown>>;
  /** Directory `configFile` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** Returns the environment's defaults (a copy; callers may change it). */
export function defaultsFor(envName: string): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(envName)) {
    throw new ConfigError('context', [
      { field: 'env', value: envName, problem: `must be one of ${oneOf(ENVIRONMENT_NAMES)}` },
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
    const retired = retiredKeyIssues(flatten(fromFile));
    if (retired.length > 0) throw new ConfigError(`config file ${sources.configFile}`, retired);
    if ('envName' in fromFile && fromFile.envName !== envName) {
      throw new ConfigError(`config file ${sources.configFile}`, [
        { field: 'envName', value: fromFile.envName, problem: `must match -c env=${envName} or be left out` },
      ]);
    }
    merged = deepMerge(merged, fromFile);
  }
  const retired = retiredKeyIssues(sources.contextValues ?? {});
  if (retired.length > 0) throw new ConfigError('context', retired);
  if (sources.getContext) {
    const keys = configKeys().filter((key) => key !== 'envName');
    merged = applyContextOverrides(merged, defaults, sources.getContext, keys);
  }
  return validateConfig(merged, `env '${envName}'`);
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
    contextValues: scope.node.getAllContext() as Record<string, unknown>,
  });
}
