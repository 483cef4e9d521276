import { devTraffic } from './dev.js';
import { prodTraffic } from './prod.js';
import { stagingTraffic } from './staging.js';
import { validateTrafficProfile, type TrafficProfile } from './schema.js';

export {
  gbOf,
  idleProfile,
  trafficProfileSchema,
  validateTrafficProfile,
  type TrafficProfile,
} from './schema.js';

const PROFILES: Readonly<Record<string, TrafficProfile>> = {
  dev: devTraffic,
  staging: stagingTraffic,
  prod: prodTraffic,
};

/** The validated traffic profile of an environment. */
export function trafficProfileFor(envName: string): TrafficProfile {
  const profile = PROFILES[envName];
  if (!profile) {
    throw new Error(`no traffic profile for environment '${envName}' (add one to infra/cost/traffic/)`);
  }
  return validateTrafficProfile(profile, `infra/cost/traffic/${envName}.ts`);
}
