import { Tags, type App } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/index.js';
import { applyFeatureFlags } from './feature-flags.js';
import { registerEnvironmentName } from './naming.js';
import { DataDrStack } from './stacks/data-dr-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { SecurityStack } from './stacks/security-stack.js';

/** The stacks of one Tessera environment, in deployment order. */
export interface TesseraStacks {
  readonly security: SecurityStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  /** The data tier's side in the DR region (backup copy vault). */
  readonly dataDr: DataDrStack;
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

  const dataDr = new DataDrStack(app, `${prefix}-DataDr`, {
    env: { account: config.accounts.payment, region: config.regions.dr },
    config,
    description: `Tessera ${config.envName}: DR-region vault for the database backup copies`,
  });

  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    vpc: network.vpc,
    keys: security.keys,
    description: `Tessera ${config.envName}: Aurora PostgreSQL, RDS Proxy, rotated database user, AWS Backup`,
  });
  // Backup copies target the DR vault by name: deploy it first.
  data.addStackDependency(dataDr);

  return { security, network, data, dataDr };
}
