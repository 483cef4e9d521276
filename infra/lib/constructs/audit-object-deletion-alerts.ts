import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge.js';

export interface AuditObjectDeletionAlertsProps {
  /** Buckets holding audit logs, created in the same stack (their EventBridge notifications are switched on). */
  readonly buckets: readonly s3.IBucket[];
  /** Topic that receives one message per deleted object (the compliance topic). */
  readonly topic: sns.ITopic;
}

/**
 * Alerts when someone deletes an object from an audit-log bucket (PCI DSS 10.3.4): the buckets send their
 * events to EventBridge, and a rule routes `Object Deleted` events whose reason is `DeleteObject` (a principal's
 * request, not a lifecycle expiry, whose reason is `Lifecycle Expiration`) to the topic.
 */
export class AuditObjectDeletionAlerts extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: AuditObjectDeletionAlertsProps) {
    super(scope, id);
    if (props.buckets.length === 0) throw new Error('audit object deletion alerts: name at least one bucket');
    for (const bucket of props.buckets) enableEventBridge(bucket);
    this.rule = new events.Rule(this, 'ObjectDeleted', {
      description: 'Objects deleted by a request (not by lifecycle) from audit-log buckets',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Deleted'],
        detail: { bucket: { name: props.buckets.map((b) => b.bucketName) }, reason: ['DeleteObject'] },
      },
    });
    // Publishes with its own role, granted on the topic and its key from this stack (ADR 0018).
    this.rule.addTarget(new targets.SnsTopic(props.topic, { authorizeUsingRole: true }));
    const role = this.rule.node.findChild('EventsRole');
    acknowledge(
      role,
      ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      'Grant-generated policy bound one-to-one to the rule role: publish to the one compliance topic and use of that topic key; inline so it is deleted with the rule',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'SNS asks for GenerateDataKey (and variants) to encrypt the message under the topic key; the statement is limited to that one key ARN',
    );
  }
}

/**
 * Sends all the bucket's events to EventBridge through the bucket's own `NotificationConfiguration` (CDK's
 * `eventBridgeEnabled` would add a custom-resource Lambda for the same setting).
 */
function enableEventBridge(bucket: s3.IBucket): void {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) {
    throw new Error(`audit object deletion alerts: ${bucket.node.path} must be a bucket defined in this app`);
  }
  cfn.addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
}
