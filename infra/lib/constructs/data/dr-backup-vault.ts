import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface DrBackupVaultProps {
  /** Vault name; fixed so the primary region can build the vault's ARN without a cross-region reference. */
  readonly vaultName: string;
  /** Keep the vault and its key (and forbid deleting recovery points) when the stack goes away. */
  readonly retainData: boolean;
}

/**
 * The vault in the disaster-recovery region that receives copies of the primary region's recovery points,
 * encrypted with its own rotating key (a key of the primary region cannot encrypt in another region).
 */
export class DrBackupVault extends Construct {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DrBackupVaultProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{2,50}$/.test(props.vaultName)) {
      throw new Error(
        `dr backup vault: vaultName "${props.vaultName}" must be 2-50 letters, digits, hyphens or underscores`,
      );
    }
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.key = new kms.Key(this, 'Key', {
      description: 'Tessera backups key (DR region): encrypts copied recovery points',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: this.key,
      blockRecoveryPointDeletion: props.retainData,
      removalPolicy,
    });
  }
}
