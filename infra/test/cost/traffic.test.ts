import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../config/index.js';
import { idleProfile, trafficProfileFor, validateTrafficProfile } from '../../cost/traffic/index.js';
import { TEST_PROFILE } from './fixtures.js';

describe('traffic profiles', () => {
  it.each(ENVIRONMENT_NAMES)('%s has a valid profile that says where its numbers come from', (envName) => {
    const profile = trafficProfileFor(envName);
    expect(profile.basis.length).toBeGreaterThanOrEqual(20);
    expect(profile.volumes.api.requestsPerMonth).toBeGreaterThan(0);
  });

  it('grows from dev to staging to prod', () => {
    const [dev, staging, prod] = (['dev', 'staging', 'prod'] as const).map(
      (e) => trafficProfileFor(e).volumes,
    );
    expect(dev!.api.requestsPerMonth).toBeLessThan(staging!.api.requestsPerMonth);
    expect(staging!.api.requestsPerMonth).toBeLessThan(prod!.api.requestsPerMonth);
    expect(dev!.database.storageGb).toBeLessThan(prod!.database.storageGb);
  });

  it('rejects a bad value naming the field and what is allowed', () => {
    const bad = structuredClone(TEST_PROFILE) as unknown as {
      volumes: { api: { requestsPerMonth: number } };
      shape: { edgeCacheHitRatio: number };
    };
    bad.volumes.api.requestsPerMonth = -5;
    bad.shape.edgeCacheHitRatio = 2;
    expect(() => validateTrafficProfile(bad, 'test')).toThrow(
      /invalid traffic profile \(test\):\n {2}- volumes\.api\.requestsPerMonth: must be 0 or more\n {2}- shape\.edgeCacheHitRatio: must be between 0 and 1/,
    );
  });

  it('rejects an unknown key', () => {
    expect(() => validateTrafficProfile({ ...TEST_PROFILE, surge: 3 }, 'test')).toThrow(/surge/);
  });

  it('prices idle as month 1 with every volume zero and the shape kept', () => {
    const idle = idleProfile(TEST_PROFILE);
    expect(idle.monthsInOperation).toBe(1);
    expect(idle.shape).toEqual(TEST_PROFILE.shape);
    expect(idle.volumes.storage.trail).toEqual({ gbPerMonth: 0, putsPerMonth: 0 });
    const leaves = JSON.stringify(idle.volumes).match(/-?\d+(\.\d+)?/g) ?? [];
    expect(new Set(leaves)).toEqual(new Set(['0']));
  });
});
