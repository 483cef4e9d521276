// Rewrites infra/test/support/stateful-resources.json from the current code: the logical ids of every stateful
// resource per environment that infra/test/stateful-resources.test.ts holds the code to.
// Usage: npx tsx infra/scripts/stateful-resources.ts
// Run it only when a change adds stateful resources, or deliberately removes one (say why in the commit and in
// the ADR that covers it): a removed or renamed id is a resource CloudFormation deletes or replaces on deploy.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GUARDED_VARIANTS, statefulResources } from '../test/support/stateful-resources.js';

const fixture = fileURLToPath(new URL('../test/support/stateful-resources.json', import.meta.url));
const content = {
  $comment:
    'Stateful logical ids per environment; infra/test/stateful-resources.test.ts fails when one disappears or ' +
    'changes type. Regenerate with `npx tsx infra/scripts/stateful-resources.ts` only for additions or a ' +
    'deliberate, documented removal.',
  ...Object.fromEntries(
    Object.keys(GUARDED_VARIANTS).map((variant) => [variant, statefulResources(variant)]),
  ),
};
writeFileSync(fixture, `${JSON.stringify(content, null, 2)}\n`);
console.log(`wrote ${fixture}`);
