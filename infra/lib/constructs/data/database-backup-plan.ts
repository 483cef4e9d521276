import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface DatabaseBackupPlanProps {
  /** The Aurora cluster to protect. */
  readonly cluster: rds.IDatabaseCluster;
  /** Key of the primary-region vault. */
  readonly vaultKey: kms.IKey;
  /** ARN of the vault in the disaster-recovery region that receives the copies. */
  readonly drVaultArn: string;
  /** Retention of continuous backups (point-in-time restore window, 1–35 days). */
  readonly continuousRetention: Duration;
  /** Retention of the daily snapshots in the primary region. */
  readonly dailyRetention: Duration;
  /** Retention of the daily snapshot copies in the DR region. */
  readonly dailyCopyRetention: Duration;
  /**
   * Hours between snapshots copied to the DR region (1–24): the recovery point objective when the whole
   * primary region is lost. With 24 only the daily snapshot is copied.
   */
  readonly drCopyIntervalHours: number;
  /** Retention of the interval snapshots, in each region (they only bridge the gap between daily copies). */
  readonly intervalRetention: Duration;
  /**
   * Retention of monthly snapshots (and of their copies in the DR region), for long-term retention.
   * @default - no monthly snapshots
   */
  readonly monthlyRetention?: Duration;
  /** Keep the vault (and forbid deleting recovery points) when the stack goes away. */
  readonly retainData: boolean;
  /**
   * Vault name, unique in the account and region.
   * @default - generated
   */
  readonly vaultName?: string;
  /**
   * Plan name.
   * @default - generated
   */
  readonly planName?: string;
}

const MAX_CONTINUOUS_DAYS = 35;

/**
 * AWS Backup for the Aurora cluster: continuous backup (point-in-time restore, RPO of minutes in the primary
 * region), daily snapshots, and snapshot copies to a vault in the DR region every `drCopyIntervalHours`
 * (RPO when the primary region is lost). Recovery points in the primary region live in a KMS-encrypted vault.
 */
export class DatabaseBackupPlan extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: DatabaseBackupPlanProps) {
    super(scope, id);
    validate(props);

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: props.vaultKey,
      blockRecoveryPointDeletion: props.retainData,
      // CloudFormation cannot delete a vault that still holds recovery points; see docs/runbooks/restore.md.
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const drVault = backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.drVaultArn);

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanName: props.planName,
    });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'ContinuousPointInTime',
        enableContinuousBackup: true,
        deleteAfter: props.continuousRetention,
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '5' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
      }),
    );
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'DailySnapshotWithDrCopy',
        deleteAfter: props.dailyRetention,
        scheduleExpression: events.Schedule.cron({ minute: '30', hour: '5' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        copyActions: [{ destinationBackupVault: drVault, deleteAfter: props.dailyCopyRetention }],
      }),
    );
    if (props.monthlyRetention) {
      this.plan.addRule(
        new backup.BackupPlanRule({
          ruleName: 'MonthlySnapshotWithDrCopy',
          deleteAfter: props.monthlyRetention,
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '6', day: '1' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          copyActions: [{ destinationBackupVault: drVault, deleteAfter: props.monthlyRetention }],
        }),
      );
    }
    if (props.drCopyIntervalHours < 24) {
      this.plan.addRule(
        new backup.BackupPlanRule({
          ruleName: `Every${props.drCopyIntervalHours}hSnapshotWithDrCopy`,
          deleteAfter: props.intervalRetention,
          scheduleExpression: events.Schedule.cron({ minute: '15', hour: `*/${props.drCopyIntervalHours}` }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(2),
          copyActions: [{ destinationBackupVault: drVault, deleteAfter: props.intervalRetention }],
        }),
      );
    }

    this.plan.addSelection('Cluster', {
      resources: [backup.BackupResource.fromRdsDatabaseCluster(props.cluster)],
      allowRestores: true,
    });
    acknowledgeClusterInstancesCovered(props.cluster);
    const role = this.plan.node.findChild('Cluster').node.findChild('Role');
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy AWS Backup needs to snapshot and copy RDS clusters; its RDS and KMS actions are limited by AWS to backup operations and kept current as the service changes',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      'AWSBackupServiceRolePolicyForRestores is the AWS-maintained policy AWS Backup needs to restore the cluster during a recovery (docs/runbooks/restore.md); restores are started only by operators',
    );
  }
}

/** The plan selects the Aurora cluster, which covers every instance of it; the per-instance rule cannot see that. */
function acknowledgeClusterInstancesCovered(cluster: rds.IDatabaseCluster): void {
  for (const child of cluster.node.findAll()) {
    if (child instanceof rds.CfnDBInstance) {
      acknowledge(
        child,
        'NIST.800.53.R5-RDSInBackupPlan',
        'Aurora is backed up per cluster: this AWS Backup plan selects the cluster, which covers all of its instances (an Aurora instance cannot be selected on its own)',
      );
    }
  }
}

function validate(props: DatabaseBackupPlanProps): void {
  const days = (name: string, value: Duration, min: number, max: number): void => {
    const d = value.toDays({ integral: false });
    if (!Number.isInteger(d) || d < min || d > max) {
      throw new Error(`database backup plan: ${name} ${d} days must be a whole number from ${min} to ${max}`);
    }
  };
  days('continuousRetention', props.continuousRetention, 1, MAX_CONTINUOUS_DAYS);
  days('dailyRetention', props.dailyRetention, 1, 36500);
  days('dailyCopyRetention', props.dailyCopyRetention, 1, 36500);
  days('intervalRetention', props.intervalRetention, 1, 36500);
  if (props.monthlyRetention) days('monthlyRetention', props.monthlyRetention, 1, 36500);
  const hours = props.drCopyIntervalHours;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 || 24 % hours !== 0) {
    throw new Error(
      `database backup plan: drCopyIntervalHours ${hours} must divide a day evenly (1, 2, 3, 4, 6, 8, 12 or 24)`,
    );
  }
  if (!/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$/.test(props.drVaultArn)) {
    throw new Error(
      `database backup plan: drVaultArn "${props.drVaultArn}" must be a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)`,
    );
  }
}
