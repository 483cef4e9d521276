import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES, environmentConfigSchema, loadConfig } from '../../config/index.js';
import { pricedFrom } from '../../cost/cli.js';
import {
  PARTNER_API_ESTIMATE,
  README_END,
  README_ROWS,
  README_START,
  renderReadmeSection,
} from '../../cost/report.js';
import { FREE_TYPES, PRICED_TYPES } from '../../cost/resource-types.js';
import { synthesizeTemplates, type SynthesizedTemplates } from '../../cost/synth.js';

/** Every compute mode the config accepts: a new mode is covered here as soon as the config knows it. */
const COMPUTE_MODES = environmentConfigSchema.shape.compute.options;
/** Each environment in each compute mode, and each environment with the partner API switched on. */
const CASES = [
  ...ENVIRONMENT_NAMES.flatMap((envName) =>
    COMPUTE_MODES.map((compute) => ({ envName, compute, partnerApi: false })),
  ),
  ...ENVIRONMENT_NAMES.map((envName) => ({ envName, compute: 'fargate', partnerApi: true })),
];

const synthesized = new Map<string, SynthesizedTemplates>();
/** Synthesizes each case once for every test of this file (as `npm run cost` does). */
function synth(envName: string, compute: string, partnerApi = false): SynthesizedTemplates {
  const key = `${envName}/${compute}/${partnerApi}`;
  let result = synthesized.get(key);
  if (!result) {
    result = synthesizeTemplates({ env: envName, compute, ...(partnerApi ? PARTNER_API_ESTIMATE : {}) });
    synthesized.set(key, result);
  }
  return result;
}

describe.each(CASES)(
  '$envName on $compute (partner API: $partnerApi): the synthesized templates',
  ({ envName, compute, partnerApi }) => {
    it('contain only resource types that are priced or explicitly free', () => {
      const types = new Set(
        synth(envName, compute, partnerApi).stacks.flatMap((s) =>
          Object.values(s.template.Resources ?? {}).map((r) => r.Type),
        ),
      );
      const unknown = [...types].filter((t) => PRICED_TYPES[t] === undefined && FREE_TYPES[t] === undefined);
      expect(
        unknown,
        'add a pricer (infra/cost/pricers) or a reason it is free (infra/cost/resource-types.ts)',
      ).toEqual([]);
    });

    it('price completely: no unpriced resource, every resource on a line or counted free', () => {
      const { stacks } = synth(envName, compute, partnerApi);
      const { cost } = pricedFrom(envName, synth(envName, compute, partnerApi));
      expect(cost.unpriced).toEqual([]);
      for (const s of cost.stacks) {
        const template = stacks.find((t) => t.stackName === s.stack)!;
        const resources = Object.keys(template.template.Resources ?? {}).length;
        const onLines = new Set(s.lines.map((l) => l.logicalId)).size;
        const free = Object.values(s.free).reduce((a, b) => a + b, 0);
        expect(onLines + free, s.stack).toBe(resources);
      }
      expect(cost.idleMonthlyUsd).toBeGreaterThan(0);
    });
  },
);

describe('the README cost table', () => {
  it('matches what npm run cost -- --readme generates from the current templates and prices', () => {
    const rows = README_ROWS.map(({ envName, compute, context, label }) => {
      const mode = compute ?? loadConfig({ envName }).compute;
      // The synth cache above knows these two kinds of row.
      expect([undefined, PARTNER_API_ESTIMATE]).toContain(context);
      return { ...pricedFrom(envName, synth(envName, mode, context !== undefined)), label };
    });
    const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const block = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END) + README_END.length);
    expect(block, 'README.md cost table is stale: run npm run cost -- --readme').toBe(
      renderReadmeSection(rows),
    );
  });
});
