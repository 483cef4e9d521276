import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { DrBackupVault } from '../constructs/data/dr-backup-vault.js';

export interface DataDrStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** Name of the DR-region backup vault of an environment; both regions derive it from the config alone. */
export function drBackupVaultName(envName: string): string {
  return `tessera-${envName}-db-dr`;
}

/** ARN of the DR-region backup vault, built from the config so the primary region needs no cross-region reference. */
export function drBackupVaultArn(config: EnvironmentConfig): string {
  const region = config.regions.dr;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:backup:${region}:${config.accounts.payment}:backup-vault:${drBackupVaultName(config.envName)}`;
}

/** The disaster-recovery region's side of the data tier: the vault that receives the database backup copies. */
export class DataDrStack extends Stack {
  readonly vault: DrBackupVault;

  constructor(scope: Construct, id: string, props: DataDrStackProps) {
    super(scope, id, props);
    this.vault = new DrBackupVault(this, 'BackupVault', {
      vaultName: drBackupVaultName(props.config.envName),
      retainData: props.config.removalPolicy === 'retain',
    });
  }
}
