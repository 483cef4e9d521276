/**
 * `npm run cost [-- --env dev|staging|prod|all] [--compute MODE] [-c key=value]... [--json] [--readme [--check]]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, ENVIRONMENT_NAMES, loadConfig } from '../config/index.js';
import { priceEnvironment } from './engine.js';
import {
  README_ROWS,
  readmeRowContext,
  renderReadmeSection,
  renderText,
  replaceReadmeSection,
  toJson,
  type PricedEnvironment,
} from './report.js';
import { synthesizeTemplates, type SynthesizedTemplates } from './synth.js';
import { trafficProfileFor } from './traffic/index.js';

export const USAGE = `usage: npm run cost -- [options]

Synthesizes the environment(s) offline, as \`cdk synth\` does (compliance gate included), and prices every
resource of the templates for an idle month and for the environment's traffic profile (infra/cost/traffic/).

  --env NAME        ${ENVIRONMENT_NAMES.join(' | ')} | all (default: dev)
  --compute MODE    compute mode, as -c compute=MODE (the config lists the modes it accepts)
  -c, --context K=V any other config override, as on the cdk command line (-c configFile=./my-prod.yaml)
  --json            print { "<env>": { "monthlyUsd", "idleMonthlyUsd", "stacks", "unpriced", ... } }
  --readme          rewrite the generated cost table in README.md (with --check: fail if it is stale)
  -h, --help        this text

Exit status: 0 priced, 1 a resource could not be priced (listed with its type and logical id) or the
configuration is invalid, 2 bad arguments.`;

export class UsageError extends Error {}

export interface CostOptions {
  readonly envs: readonly string[];
  readonly context: Readonly<Record<string, string>>;
  readonly json: boolean;
  readonly readme: boolean;
  readonly check: boolean;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): CostOptions {
  let env: string | undefined;
  const context: Record<string, string> = {};
  const flags = { json: false, readme: false, check: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('-')))
        throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--env':
        env = value();
        break;
      case '--compute':
        context.compute = value();
        break;
      case '-c':
      case '--context': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0)
          throw new UsageError(
            `${name}: got "${pair}"; must be key=value, such as network.natStrategy=instance`,
          );
        const key = pair.slice(0, eq);
        if (key === 'env') throw new UsageError(`${name}: choose the environment with --env, not -c env=`);
        context[key] = pair.slice(eq + 1);
        break;
      }
      case '--json':
      case '--readme':
      case '--check':
      case '--help':
        flags[name.slice(2) as keyof typeof flags] = true;
        break;
      case '-h':
        flags.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg} (see --help)`);
    }
  }
  const allowed = [...ENVIRONMENT_NAMES, 'all'];
  if (env !== undefined && !allowed.includes(env))
    throw new UsageError(`--env: got "${env}"; must be one of ${allowed.join(' | ')}`);
  if (flags.check && !flags.readme) throw new UsageError('--check only goes with --readme');
  if (flags.readme && (env !== undefined || Object.keys(context).length > 0 || flags.json)) {
    throw new UsageError(
      '--readme prices its fixed rows (every environment, and prod on EC2): drop --env, --compute, -c and --json',
    );
  }
  return { envs: env === 'all' ? [...ENVIRONMENT_NAMES] : [env ?? 'dev'], context, ...flags };
}

/**
 * Resolves the configuration as synth will, so a bad override (`--compute eks` before that mode exists) fails
 * with the config's own message before anything is synthesized.
 */
function assertValidConfig(envName: string, context: Readonly<Record<string, string>>): void {
  try {
    loadConfig({ envName, configFile: context.configFile, getContext: (key) => context[key] });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const compute = e.issues.find((i) => i.field === 'compute');
    if (compute) throw new UsageError(`--compute: got ${JSON.stringify(compute.value)}; ${compute.problem}`);
    throw e;
  }
}

/** Prices an environment's synthesized templates with its traffic profile. */
export function pricedFrom(envName: string, synthesized: SynthesizedTemplates): PricedEnvironment {
  const profile = trafficProfileFor(envName);
  return {
    envName,
    compute: synthesized.config.compute,
    profile,
    cost: priceEnvironment(synthesized.stacks, profile),
  };
}

/** Synthesizes and prices one environment. */
export function priceEnvironmentFromApp(
  envName: string,
  context: Readonly<Record<string, string>>,
): PricedEnvironment {
  return pricedFrom(envName, synthesizeTemplates({ ...context, env: envName }));
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readmePath: string;
}

/** Runs the command; returns the exit status. */
export function runCost(argv: readonly string[], io: Io): number {
  let options: CostOptions;
  try {
    options = parseArgs(argv);
    if (options.help) {
      io.stdout(USAGE);
      return 0;
    }
    const rows = options.readme ? README_ROWS : options.envs.map((envName) => ({ envName }));
    for (const row of rows) assertValidConfig(row.envName, { ...options.context, ...readmeRowContext(row) });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(e.message);
      return 1;
    }
    throw e;
  }

  if (options.readme) return updateReadme(io, options.check);

  const priced = options.envs.map((envName) => priceEnvironmentFromApp(envName, options.context));
  if (options.json) {
    io.stdout(JSON.stringify(Object.fromEntries(priced.map((p) => [p.envName, toJson(p)])), null, 2));
  } else {
    io.stdout(priced.map(renderText).join('\n\n'));
  }
  return reportUnpriced(priced, io);
}

export function reportUnpriced(priced: readonly PricedEnvironment[], io: Io): number {
  const unpriced = priced.flatMap((p) => p.cost.unpriced.map((u) => ({ env: p.envName, ...u })));
  if (unpriced.length === 0) return 0;
  io.stderr(
    [
      `cost: ${unpriced.length} resource(s) could not be priced; price them in infra/cost/ (or list the type as free):`,
      ...unpriced.map((u) => `  ${u.env} ${u.stack} ${u.logicalId} (${u.type}): ${u.reason}`),
    ].join('\n'),
  );
  return 1;
}

/** Prices the README rows and rewrites (or, with check, compares) the generated block. */
export function updateReadme(io: Io, check: boolean): number {
  const priced = README_ROWS.map((r) => ({
    ...priceEnvironmentFromApp(r.envName, readmeRowContext(r)),
    label: r.label,
  }));
  const status = reportUnpriced(priced, io);
  if (status !== 0) return status;
  const readme = readFileSync(io.readmePath, 'utf8');
  const updated = replaceReadmeSection(readme, renderReadmeSection(priced));
  if (check) {
    if (updated === readme) return 0;
    io.stderr('README.md cost table is out of date: run npm run cost -- --readme');
    return 1;
  }
  if (updated !== readme) writeFileSync(io.readmePath, updated);
  io.stdout(updated === readme ? 'README.md cost table is up to date' : 'README.md cost table updated');
  return 0;
}
