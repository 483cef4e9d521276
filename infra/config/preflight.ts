import type { Construct } from 'constructs';
import { apiPreflight } from './api.js';
import { appPreflight } from './app.js';
import { ConfigError } from './errors.js';
import { foundationPreflight } from './foundation.js';
import { monitoringPreflight } from './monitoring.js';
import { networkPreflight } from './network.js';
import { peeringPreflight } from './peering.js';
import type { EnvironmentConfig } from './schema.js';

/** True when this run is meant to deploy: `-c deploy=true` or `TESSERA_DEPLOY=1`. */
export function isDeploying(scope: Construct, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = scope.node.tryGetContext('deploy');
  return flag === true || flag === 'true' || env.TESSERA_DEPLOY === '1' || env.TESSERA_DEPLOY === 'true';
}

/** Refuses the placeholders synth accepts (./placeholders.ts) before anything is deployed; lists every one. */
export function assertDeployable(config: EnvironmentConfig): void {
  const issues = [
    ...foundationPreflight(config),
    ...networkPreflight(config),
    ...appPreflight(config),
    ...apiPreflight(config),
    ...peeringPreflight(config),
    ...monitoringPreflight(config),
  ];
  if (issues.length > 0) throw new ConfigError(`deploy preflight for env '${config.envName}'`, issues);
}
