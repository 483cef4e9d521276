/**
 * Synthesizes one environment in-process the way `cdk synth -c env=… [-c key=value]` does (same config
 * resolution, compliance gate included), offline, and returns its templates.
 */
import { App } from 'aws-cdk-lib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type EnvironmentConfig } from '../config/index.js';
import { applyComplianceGate } from '../lib/compliance/index.js';
import { buildTessera } from '../lib/tessera.js';
import type { CfnTemplate, StackTemplate } from './template.js';

export interface SynthesizedTemplates {
  readonly config: EnvironmentConfig;
  readonly stacks: readonly StackTemplate[];
}

/**
 * @param context CDK context as on the command line: `{ env: 'prod', compute: 'ec2' }`.
 * Throws the ConfigError of an invalid configuration, and the compliance gate's error on a finding.
 */
export function synthesizeTemplates(context: Readonly<Record<string, string>>): SynthesizedTemplates {
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-cost-'));
  try {
    const app = new App({ outdir, context: { ...context } });
    const config = resolveConfig(app);
    buildTessera(app, config);
    applyComplianceGate(app);
    const assembly = app.synth();
    const stacks = assembly.stacks.map((s) => ({
      stackName: s.stackName,
      region: s.environment.region,
      template: s.template as CfnTemplate,
    }));
    return { config, stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
