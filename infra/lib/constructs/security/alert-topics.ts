import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The three alert audiences; each gets its own topic. */
export const ALERT_AUDIENCES = ['security', 'compliance', 'operations'] as const;
export type AlertAudience = (typeof ALERT_AUDIENCES)[number];

export interface AlertTopicsProps {
  /** E-mail addresses subscribed to each topic (each address must confirm its subscription). */
  readonly emails: Readonly<Record<AlertAudience, readonly string[]>>;
  /**
   * Key that encrypts the topics at rest. Its key policy must let `events.amazonaws.com`,
   * `cloudwatch.amazonaws.com` and `budgets.amazonaws.com` use it; this construct adds those statements to a key it owns or is given.
   * @default - a dedicated customer-managed key with annual rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the dedicated key (ignored when `encryptionKey` is given).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * SNS topics for security, compliance and operations alerts: KMS-encrypted at rest, publishing only over TLS
 * (topic policy denies `aws:SecureTransport = false`), with e-mail subscriptions.
 */
export class AlertTopics extends Construct {
  public readonly security: sns.ITopic;
  public readonly compliance: sns.ITopic;
  public readonly operations: sns.ITopic;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    for (const audience of ALERT_AUDIENCES) {
      for (const email of props.emails[audience]) {
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
          throw new Error(`alert e-mail for ${audience} is not a valid address: '${email}'`);
        }
      }
    }

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the Tessera alert topics (security, compliance, operations)',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    this.encryptionKey.addToResourcePolicy(alertPublishersKeyStatement());

    const topic = (audience: AlertAudience, displayName: string): sns.Topic =>
      createAlertTopic(this, capitalize(audience), {
        displayName,
        masterKey: this.encryptionKey,
        emails: props.emails[audience],
      });
    this.security = topic('security', 'Tessera security alerts');
    this.compliance = topic('compliance', 'Tessera compliance alerts');
    this.operations = topic('operations', 'Tessera operations alerts');
    // AWS Budgets publishes only where the topic policy names it (the Monitoring stack's budget alerts).
    this.operations.addToResourcePolicy(budgetsPublishStatement(this.operations, Stack.of(this).account));
  }
}

/**
 * EventBridge (GuardDuty/Security Hub findings), CloudWatch alarms and AWS Budgets publish to encrypted topics
 * only if the key policy lets them create and use a data key: an account-root statement does not cover them.
 */
export function alertPublishersKeyStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowAlertPublishersToUseTheKey',
    principals: [
      new iam.ServicePrincipal('events.amazonaws.com'),
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      new iam.ServicePrincipal('budgets.amazonaws.com'),
    ],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  });
}

/**
 * Lets AWS Budgets of this account (and no other) publish to `topic`, as the Budgets user guide words it:
 * `aws:SourceAccount` and an `aws:SourceArn` of `arn:<partition>:budgets::<account>:*`.
 */
export function budgetsPublishStatement(topic: sns.ITopic, account: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowBudgetsToPublish',
    principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${Stack.of(topic).partition}:budgets::${account}:*` },
    },
  });
}

/**
 * One alert topic: KMS-encrypted with `masterKey` (whose policy must hold {@link alertPublishersKeyStatement}),
 * publishing over TLS only, with an e-mail subscription per address.
 */
export function createAlertTopic(
  scope: Construct,
  id: string,
  props: { readonly displayName: string; readonly masterKey: kms.IKey; readonly emails: readonly string[] },
): sns.Topic {
  const topic = new sns.Topic(scope, id, {
    displayName: props.displayName,
    masterKey: props.masterKey,
    enforceSSL: true,
  });
  for (const email of props.emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
