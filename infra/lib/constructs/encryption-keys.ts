import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { cloudWatchLogsKeyAccess } from './cloudwatch-logs-key-access.js';

export type KeyPurpose = 'data' | 'logs' | 'secrets' | 'backups' | 'vault';

const DESCRIPTIONS: Record<KeyPurpose, string> = {
  data: 'Encrypts data at rest: database storage, buckets, queues',
  logs: 'Encrypts logs: CloudWatch Logs groups, flow logs, audit trails',
  secrets: 'Encrypts Secrets Manager secrets',
  backups: 'Encrypts AWS Backup recovery points',
  vault: 'Key-encryption key for the card vault data keys',
};

export interface EncryptionKeysProps {
  /** Alias prefix; each key gets `alias/<prefix>/<purpose>`. */
  readonly aliasPrefix: string;
  /**
   * What happens to the keys when they leave the stack. DESTROY schedules deletion after the pending window.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Waiting period before a scheduled key deletion completes.
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/** One customer-managed KMS key per purpose, with yearly rotation and the service grants each purpose needs. */
export class EncryptionKeys extends Construct {
  readonly keys: Readonly<Record<KeyPurpose, kms.Key>>;

  constructor(scope: Construct, id: string, props: EncryptionKeysProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9/_-]+$/.test(props.aliasPrefix) || props.aliasPrefix.startsWith('aws')) {
      throw new Error(
        `aliasPrefix '${props.aliasPrefix}' must use only letters, digits, '/', '_', '-' and not start with 'aws'`,
      );
    }
    const make = (purpose: KeyPurpose): kms.Key =>
      new kms.Key(this, purpose.charAt(0).toUpperCase() + purpose.slice(1), {
        description: `Tessera ${purpose} key: ${DESCRIPTIONS[purpose]}`,
        alias: `alias/${props.aliasPrefix}/${purpose}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        pendingWindow: props.pendingWindow ?? Duration.days(30),
      });
    this.keys = {
      data: make('data'),
      logs: make('logs'),
      secrets: make('secrets'),
      backups: make('backups'),
      vault: make('vault'),
    };
    allowLogDelivery(this.keys.logs);
  }
}

/** Lets CloudWatch Logs (log groups) and the log-delivery service (flow logs to S3) use a logs key. */
export function allowLogDelivery(key: kms.Key): void {
  const { account, region, partition } = Stack.of(key);
  key.addToResourcePolicy(
    cloudWatchLogsKeyAccess({
      sid: 'AllowCloudWatchLogsInThisAccount',
      region,
      logGroupArnPattern: `arn:${partition}:logs:${region}:${account}:*`,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowLogDeliveryToEncryptedBuckets',
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` },
      },
    }),
  );
}
