import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUARDED_VARIANTS, type StatefulResources, statefulResources } from './support/stateful-resources.js';

const fixture = JSON.parse(
  readFileSync(new URL('./support/stateful-resources.json', import.meta.url), 'utf8'),
) as Record<string, StatefulResources>;

/**
 * A stateful resource whose logical id changes is replaced on deploy: its data is lost (or, for a singleton
 * such as the GuardDuty detector, the deploy fails). New resources are fine; a missing or retyped id is not.
 */
describe.each(Object.keys(GUARDED_VARIANTS))('stateful logical ids of %s', (variant) => {
  it('keeps every id of the checked-in fixture, with the same type', () => {
    const expected = fixture[variant];
    expect(
      expected,
      `no fixture for ${variant}; run npx tsx infra/scripts/stateful-resources.ts`,
    ).toBeTruthy();
    const actual = statefulResources(variant);
    const missing: string[] = [];
    for (const [stack, ids] of Object.entries(expected ?? {})) {
      for (const [id, type] of Object.entries(ids)) {
        const found = actual[stack]?.[id];
        if (found !== type) missing.push(`${stack}/${id} (${type}${found ? `, now ${found}` : ', gone'})`);
      }
    }
    expect(missing, 'stateful resources that would be replaced or deleted on deploy').toEqual([]);
  });
});
