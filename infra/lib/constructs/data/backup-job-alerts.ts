import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface BackupJobAlertsProps {
  /** Vault whose backup jobs are watched (backup job events name it: `detail.backupVaultName`). */
  readonly backupVaultName: string;
  /** The same vault's ARN: copy job events name vaults only by ARN (`detail.sourceBackupVaultArn`). */
  readonly backupVaultArn: string;
  /**
   * Vaults the copy jobs write to (`detail.destinationBackupVaultArn`), for example the DR vault.
   * @default - copy jobs are matched by their source vault only
   */
  readonly copyDestinationVaultArns?: readonly string[];
  /** Topic that receives one message per failed job. */
  readonly topic: sns.ITopic;
}

/** States in which a job produced no usable recovery point. */
export const FAILED_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] as const;

/**
 * The `detail` of the rule's pattern: a failed state, and the vault as each event type names it. Backup job
 * events carry `backupVaultName`; copy job events carry no vault name, only `sourceBackupVaultArn` and
 * `destinationBackupVaultArn`, so a pattern on the name alone never matches a failed copy.
 */
export function failedJobsDetail(props: BackupJobAlertsProps): Record<string, unknown> {
  const vaultMatches: Record<string, string[]>[] = [
    { backupVaultName: [props.backupVaultName] },
    { sourceBackupVaultArn: [props.backupVaultArn] },
  ];
  const destinations = props.copyDestinationVaultArns ?? [];
  if (destinations.length > 0) vaultMatches.push({ destinationBackupVaultArn: [...destinations] });
  return { state: [...FAILED_JOB_STATES], $or: vaultMatches };
}

/**
 * Sends every backup or copy job of the vault that ends without a recovery point to the topic: a failed
 * hourly copy is a recovery point objective missed, and someone has to know within the hour.
 */
export class BackupJobAlerts extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BackupJobAlertsProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'FailedJobs', {
      description: 'AWS Backup backup/copy jobs of the database vault that did not produce a recovery point',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: failedJobsDetail(props),
      },
    });
    // EventBridge publishes with its own role, granted on the topic and its key from this stack's side,
    // so the security stack's topic policy does not have to know about this stack.
    this.rule.addTarget(new targets.SnsTopic(props.topic, { authorizeUsingRole: true }));

    const role = this.rule.node.findChild('EventsRole');
    const inline =
      'Grant-generated policy bound one-to-one to the rule role: publish to the one alert topic and use of that topic key; inline so it is deleted with the rule';
    acknowledge(role, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], inline);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'SNS asks for GenerateDataKey (and variants) to encrypt the message under the topic key; the statement is limited to that one key ARN',
    );
  }
}
