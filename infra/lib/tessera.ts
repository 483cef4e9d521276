import { Tags, type App } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/index.js';
import { applyFeatureFlags } from './feature-flags.js';
import { registerEnvironmentName } from './naming.js';
import { NetworkStack } from './stacks/network-stack.js';
import { SecurityStack } from './stacks/security-stack.js';

/** The stacks of one Tessera environment, in deployment order. */
export interface TesseraStacks {
  readonly security: SecurityStack;
  readonly network: NetworkStack;
}

/** Builds every stack of one environment into `app`. Stack ids: `Tessera-<env>-<Name>`. */
export function buildTessera(app: App, config: EnvironmentConfig): TesseraStacks {
  applyFeatureFlags(app);
  registerEnvironmentName(app, config.envName);
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);

  const env = { account: config.accounts.payment, region: config.regions.primary };
  const prefix = `Tessera-${config.envName}`;

  const security = new SecurityStack(app, `${prefix}-Security`, {
    env,
    config,
    description: `Tessera ${config.envName}: KMS keys per purpose and the account security baseline`,
  });

  const network = new NetworkStack(app, `${prefix}-Network`, {
    env,
    config,
    logsKey: security.keys.logs,
    description: `Tessera ${config.envName}: payment VPC, NAT, endpoints, NACLs and flow logs`,
  });

  return { security, network };
}
