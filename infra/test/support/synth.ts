import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
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

/** One acknowledgement recorded with `acknowledge()` (cdk-nag drops acknowledged findings from the report). */
export interface Acknowledgement {
  readonly constructPath: string;
  readonly id: string;
  readonly reason: string;
}

export interface ValidationReport {
  /** Findings nobody acknowledged, every severity (a warning counts too). */
  readonly findings: readonly Finding[];
  /** Acknowledgements recorded on constructs of the app. */
  readonly acknowledgements: readonly Acknowledgement[];
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
  }[];
}

/** Every acknowledgement in the construct tree under `scope`. */
export function listAcknowledgements(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          constructPath: c.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** Reads `validation-report.json` from a cloud assembly directory (absent when no plugin reported anything). */
export function readValidationFindings(outdir: string): Finding[] {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return [];
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
  return findings;
}

/** Synthesizes `app` into its outdir; a failing gate throws, which we catch and report through the file. */
export function synthWithReport(app: App): { report: ValidationReport; error?: Error } {
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const report = {
    findings: readValidationFindings(app.outdir),
    acknowledgements: listAcknowledgements(app),
  };
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

export interface SynthOptions {
  /**
   * Register the cdk-nag packs as `infra/bin/tessera.ts` does. Property tests may skip them for speed; the
   * compliance tests never do.
   * @default true
   */
  readonly complianceGate?: boolean;
}

/**
 * Builds and synthesizes one environment exactly as `infra/bin/tessera.ts` does (compliance gate included),
 * optionally with configuration overrides deep-merged over the environment defaults.
 */
export function synthEnvironment(
  envName: EnvironmentConfig['envName'],
  overrides: DeepPartial<EnvironmentConfig> = {},
  options: SynthOptions = {},
): SynthesizedEnvironment {
  const config = validateConfig(deepMerge(loadConfig({ envName }), overrides), `test env '${envName}'`);
  const app = newTestApp();
  const stacks = buildTessera(app, config);
  if (options.complianceGate ?? true) applyComplianceGate(app);
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
