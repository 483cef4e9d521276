import type { Construct } from 'constructs';
import { PLACEHOLDER_ACCOUNTS, PLACEHOLDER_NAT_AMI } from './common.js';
import { computePreflightIssues } from './compute-preflight.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import type { EnvironmentConfig } from './schema.js';

const PLACEHOLDER_IDS = new Set<string>([
  ...Object.values(PLACEHOLDER_ACCOUNTS),
  '123456789012',
  '000000000000',
]);

/** True when this run is meant to deploy: `-c deploy=true` or `TESSERA_DEPLOY=1`. */
export function isDeploying(scope: Construct, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = scope.node.tryGetContext('deploy');
  return flag === true || flag === 'true' || env.TESSERA_DEPLOY === '1' || env.TESSERA_DEPLOY === 'true';
}

/** Refuses placeholder account ids (and repeated-digit ids) and a placeholder NAT AMI before anything is deployed. */
export function assertDeployable(config: EnvironmentConfig): void {
  const issues: ConfigIssue[] = [];
  for (const [name, id] of Object.entries(config.accounts)) {
    if (PLACEHOLDER_IDS.has(id) || /^(\d)\1{11}$/.test(id)) {
      issues.push({
        field: `accounts.${name}`,
        value: id,
        problem:
          'is a placeholder; deploying needs the real account id (set it in infra/config/<env>.ts, ' +
          `a -c configFile=... override, or -c accounts.${name}=<12 digits>)`,
      });
    }
  }
  const natAmi = config.natInstance.amiIds[config.regions.primary];
  if (config.natStrategy === 'instance' && (natAmi === undefined || natAmi === PLACEHOLDER_NAT_AMI)) {
    issues.push({
      field: `natInstance.amiIds.${config.regions.primary}`,
      value: natAmi,
      problem:
        'is a placeholder; pin the current Amazon Linux 2023 arm64 AMI of the region (aws ssm get-parameter ' +
        '--name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64) or use another natStrategy',
    });
  }
  issues.push(...computePreflightIssues(config));
  if (issues.length > 0) throw new ConfigError(`deploy preflight for env '${config.envName}'`, issues);
}
