import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface BackupJobAlertsProps {
  /** Vault whose backup and copy jobs are watched (its name as AWS Backup reports it). */
  readonly backupVaultName: string;
  /** Topic that receives one message per failed job. */
  readonly topic: sns.ITopic;
}

/** States in which a job produced no usable recovery point. */
export const FAILED_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] as const;

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
        detail: { state: [...FAILED_JOB_STATES], backupVaultName: [props.backupVaultName] },
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
