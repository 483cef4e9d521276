import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EnvironmentConfig, loadConfig, validateConfig } from '../../config/index.js';
import { deepMerge } from '../../config/overrides.js';
import { applyComplianceGate } from '../../lib/compliance/index.js';
import { buildTessera, type TesseraStacks } from '../../lib/tessera.js';

export type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** One unacknowledged compliance finding, as read from the cloud assembly's validation report. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly description: string;
}

export interface ValidationReport {
  /** Findings nobody acknowledged, every severity (a warning counts too). */
  readonly findings: readonly Finding[];
  /** Number of findings that were acknowledged with a reason. */
  readonly acknowledgedCount: number;
}

interface RawReport {
  pluginReports: {
    pluginName: string;
    violations: {
      ruleName: string;
      description: string;
      severity?: string;
      violatingConstructs: { constructPath: string }[];
    }[];
    suppressedViolations?: unknown[];
  }[];
}

/** Reads `validation-report.json` from a cloud assembly directory (absent when no plugin reported anything). */
export function readValidationReport(outdir: string): ValidationReport {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return { findings: [], acknowledgedCount: 0 };
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawReport;
  const findings: Finding[] = raw.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity ?? 'unknown',
        constructPath: c.constructPath,
        description: v.description,
      })),
    ),
  );
  const acknowledgedCount = raw.pluginReports.reduce((n, p) => n + (p.suppressedViolations?.length ?? 0), 0);
  return { findings, acknowledgedCount };
}

/** Synthesizes `app` into its outdir; a failing gate throws, which we catch and report through the file. */
export function synthWithReport(app: App): { report: ValidationReport; error?: Error } {
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const report = readValidationReport(app.outdir);
  if (error && report.findings.length === 0) throw error;
  return { report, error };
}

export function newTestApp(): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'tessera-synth-')) });
}

export interface SynthesizedEnvironment {
  readonly app: App;
  readonly config: EnvironmentConfig;
  readonly stacks: TesseraStacks;
  readonly report: ValidationReport;
  /** The synthesized template of a stack, for assertions. */
  template(stack: Stack): Template;
}

/**
 * Builds and synthesizes one environment exactly as `infra/bin/tessera.ts` does (compliance gate included),
 * optionally with configuration overrides deep-merged over the environment defaults.
 */
export function synthEnvironment(
  envName: EnvironmentConfig['envName'],
  overrides: DeepPartial<EnvironmentConfig> = {},
): SynthesizedEnvironment {
  const config = validateConfig(deepMerge(loadConfig({ envName }), overrides), `test env '${envName}'`);
  const app = newTestApp();
  const stacks = buildTessera(app, config);
  applyComplianceGate(app);
  const { report } = synthWithReport(app);
  const templates = new Map<Stack, Template>();
  return {
    app,
    config,
    stacks,
    report,
    template(stack) {
      let t = templates.get(stack);
      if (!t) {
        t = Template.fromStack(stack);
        templates.set(stack, t);
      }
      return t;
    },
  };
}

/** Human-readable list of findings for assertion messages. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} (${f.severity}) at ${f.constructPath}`).join('\n');
}
