import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  DatabaseBackupPlan,
  type DatabaseBackupPlanProps,
} from '../../../lib/constructs/data/database-backup-plan.js';
import { DrBackupVault } from '../../../lib/constructs/data/dr-backup-vault.js';
import { BackupJobAlerts } from '../../../lib/constructs/data/backup-job-alerts.js';
import { matchesEventPattern } from '../../support/event-pattern.js';
import { auroraCluster, dataFixture, logicalId } from '../../support/data.js';

const DR_VAULT_ARN = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:tessera-test-dr';

function build(overrides: Partial<DatabaseBackupPlanProps> = {}): Template {
  const f = dataFixture();
  const db = auroraCluster(f);
  new DatabaseBackupPlan(f.stack, 'Backup', {
    cluster: db.cluster,
    vaultKey: f.keys.backups,
    drVaultArn: DR_VAULT_ARN,
    continuousRetention: Duration.days(35),
    dailyRetention: Duration.days(90),
    dailyCopyRetention: Duration.days(35),
    drCopyIntervalHours: 1,
    intervalRetention: Duration.days(2),
    monthlyRetention: Duration.days(2557),
    retainData: true,
    ...overrides,
  });
  return Template.fromStack(f.stack);
}

type Rule = {
  RuleName: string;
  EnableContinuousBackup?: boolean;
  ScheduleExpression: string;
  Lifecycle: { DeleteAfterDays: number };
  CopyActions?: { DestinationBackupVaultArn: string; Lifecycle: { DeleteAfterDays: number } }[];
};

function rules(template: Template): Rule[] {
  const plan = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0];
  return plan?.Properties.BackupPlan.BackupPlanRule as Rule[];
}

describe('DatabaseBackupPlan', () => {
  const template = build();

  it('keeps recovery points in a vault under the backups key that refuses deletion of recovery points', () => {
    const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
    expect(vault?.Properties.EncryptionKeyArn).toEqual({
      'Fn::GetAtt': [logicalId(template.findResources('AWS::KMS::Key'), 'BackupsKey'), 'Arn'],
    });
    expect(JSON.stringify(vault?.Properties.AccessPolicy)).toContain('backup:DeleteRecoveryPoint');
    expect(vault?.DeletionPolicy).toBe('Retain');
  });

  it('takes continuous backups for point-in-time restore over 35 days', () => {
    expect(rules(template)).toContainEqual(
      expect.objectContaining({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } }),
    );
  });

  it('copies a daily snapshot to the DR vault with its own retention', () => {
    expect(rules(template)).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'cron(30 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: 90 },
        CopyActions: [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 35 } }],
      }),
    );
  });

  it('copies a snapshot to the DR vault every hour, which bounds the RPO when the region is lost', () => {
    expect(rules(template)).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'cron(15 */1 * * ? *)',
        Lifecycle: { DeleteAfterDays: 2 },
        CopyActions: [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 2 } }],
      }),
    );
  });

  it('keeps monthly snapshots for seven years, in both regions', () => {
    expect(rules(template)).toContainEqual(
      expect.objectContaining({
        RuleName: 'MonthlySnapshotWithDrCopy',
        ScheduleExpression: 'cron(0 6 1 * ? *)',
        Lifecycle: { DeleteAfterDays: 2557 },
        CopyActions: [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 2557 } }],
      }),
    );
  });

  it('selects the Aurora cluster, with a role that may also restore it', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [
          {
            'Fn::Join': [
              '',
              Match.arrayWith([
                ':rds:eu-west-1:111111111111:cluster:',
                { Ref: Match.stringLikeRegexp('^DbCluster') },
              ]),
            ],
          },
        ],
      }),
    });
    const role = Object.values(template.findResources('AWS::IAM::Role')).find((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('backup.amazonaws.com'),
    );
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain(
      'AWSBackupServiceRolePolicyForRestores',
    );
  });
});

describe('DatabaseBackupPlan with a daily DR copy only', () => {
  it('adds no interval rule and lets the vault go with the stack', () => {
    const template = build({ drCopyIntervalHours: 24, retainData: false, monthlyRetention: undefined });
    expect(rules(template).map((r) => r.RuleName)).toEqual([
      'ContinuousPointInTime',
      'DailySnapshotWithDrCopy',
    ]);
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Delete' });
  });
});

describe('DatabaseBackupPlan validation', () => {
  it('rejects continuous retention beyond the 35 days AWS Backup allows', () => {
    expect(() => build({ continuousRetention: Duration.days(36) })).toThrow(/continuousRetention 36 days/);
  });

  it('rejects a copy interval that does not divide a day', () => {
    expect(() => build({ drCopyIntervalHours: 5 })).toThrow(/drCopyIntervalHours 5 must divide a day evenly/);
  });

  it('rejects a DR vault reference that is not a backup vault ARN', () => {
    expect(() => build({ drVaultArn: 'tessera-test-dr' })).toThrow(/drVaultArn "tessera-test-dr"/);
  });
});

describe('BackupJobAlerts', () => {
  const vaultArn = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:tessera-test-vault';
  const drVaultArn = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:tessera-test-dr';
  const stack = new Stack(new App(), 'Alerts', { env: { account: '111111111111', region: 'eu-west-1' } });
  const topic = new sns.Topic(stack, 'Operations');
  new BackupJobAlerts(stack, 'Alerts', {
    backupVaultName: 'tessera-test-vault',
    backupVaultArn: vaultArn,
    copyDestinationVaultArns: [drVaultArn],
    topic,
  });
  const template = Template.fromStack(stack);
  const pattern = () =>
    Object.values(template.findResources('AWS::Events::Rule'))[0]?.Properties.EventPattern as Record<
      string,
      unknown
    >;

  // Shapes of the events AWS Backup sends (AWS Backup developer guide, "Monitoring AWS Backup events using
  // Amazon EventBridge"): backup jobs name the vault, copy jobs give only the source and destination vault ARNs.
  const backupJob = (state: string, vaultName: string) => ({
    source: 'aws.backup',
    'detail-type': 'Backup Job State Change',
    detail: {
      backupJobId: 'B1',
      backupVaultArn: `arn:aws:backup:eu-west-1:111111111111:backup-vault:${vaultName}`,
      backupVaultName: vaultName,
      resourceType: 'Aurora',
      state,
    },
  });
  const copyJob = (state: string, source: string, destination: string) => ({
    source: 'aws.backup',
    'detail-type': 'Copy Job State Change',
    detail: {
      copyJobId: 'C1',
      resourceType: 'Aurora',
      sourceBackupVaultArn: source,
      destinationBackupVaultArn: destination,
      state,
    },
  });

  it('sends backup and copy jobs of the vault that end without a recovery point to the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        detail: {
          state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'],
          $or: [
            { backupVaultName: ['tessera-test-vault'] },
            { sourceBackupVaultArn: [vaultArn] },
            { destinationBackupVaultArn: [drVaultArn] },
          ],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: logicalId(template.findResources('AWS::SNS::Topic'), 'Operations') },
        }),
      ],
    });
  });

  it('matches a failed backup job of the vault and a failed copy job to or from it, nothing else', () => {
    const otherVault = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:someone-else';
    expect(matchesEventPattern(pattern(), backupJob('FAILED', 'tessera-test-vault'))).toBe(true);
    expect(matchesEventPattern(pattern(), copyJob('FAILED', vaultArn, drVaultArn))).toBe(true);
    expect(matchesEventPattern(pattern(), copyJob('ABORTED', otherVault, drVaultArn))).toBe(true);
    expect(matchesEventPattern(pattern(), backupJob('COMPLETED', 'tessera-test-vault'))).toBe(false);
    expect(matchesEventPattern(pattern(), copyJob('COMPLETED', vaultArn, drVaultArn))).toBe(false);
    expect(matchesEventPattern(pattern(), backupJob('FAILED', 'someone-else'))).toBe(false);
    expect(matchesEventPattern(pattern(), copyJob('FAILED', otherVault, otherVault))).toBe(false);
  });
});

describe('DrBackupVault', () => {
  const stack = new Stack(new App(), 'Dr', { env: { account: '111111111111', region: 'eu-central-1' } });
  new DrBackupVault(stack, 'Vault', { vaultName: 'tessera-test-dr', retainData: true });
  const template = Template.fromStack(stack);

  it('names the vault as the primary region expects and encrypts it with its own rotating key', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'tessera-test-dr',
      EncryptionKeyArn: {
        'Fn::GetAtt': [logicalId(template.findResources('AWS::KMS::Key'), 'VaultKey'), 'Arn'],
      },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('rejects a vault name AWS Backup would refuse', () => {
    expect(() => new DrBackupVault(stack, 'Bad', { vaultName: 'tessera dr', retainData: true })).toThrow(
      /vaultName "tessera dr"/,
    );
  });
});
