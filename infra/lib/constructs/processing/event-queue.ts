import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  SQS_MAX_RECEIVE_COUNT,
  SQS_MAX_RETENTION_SECONDS,
  SQS_MAX_VISIBILITY_TIMEOUT_SECONDS,
  SQS_MIN_RETENTION_SECONDS,
} from '../../../config/processing.js';

/**
 * A FIFO queue name: letters, digits, `-` and `_`, ending in `.fifo`, 80 characters at most (SQS), with room for
 * the dead-letter queue's `-dlq`.
 */
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,71}\.fifo$/;
/** SQS's longest long poll: a worker's empty ReceiveMessage waits this long before it costs another request. */
const LONG_POLL = Duration.seconds(20);
/** The key actions SQS calls on a sender's behalf (it checks the data key it generated) and a receiver's. */
const PUBLISH_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];
const CONSUME_KEY_ACTIONS = ['kms:Decrypt'];

export interface EventQueueProps {
  /** Name of the events queue (`….fifo`); the dead-letter queue is named after it (`…-dlq.fifo`). */
  readonly queueName: string;
  /** Alias of the queues' own key (`alias/...`). */
  readonly keyAlias: string;
  readonly retentionPeriod: Duration;
  readonly visibilityTimeout: Duration;
  /** Receives after which a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Retention of the dead-letter queue; at least `retentionPeriod`. */
  readonly deadLetterRetentionPeriod: Duration;
  /**
   * Queues and key leave with the stack (DESTROY) or stay behind (RETAIN).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The events queue as a producer or consumer in another stack takes it: where it is, and grants (ADR 0018). */
export interface IEventQueue {
  readonly queueName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  /** Lets `grantee` send (and batch-send) messages, with the key as SQS uses it for that. */
  grantPublish(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` receive, delete and re-time messages (and read the queue's attributes), with the key. */
  grantConsume(grantee: iam.IGrantable): iam.Grant;
}

/**
 * A FIFO events queue with a FIFO dead-letter queue, both SSE-KMS under their own rotating key that only SQS may
 * use, TLS-only queue policies, deduplication by the sender's id (no content-based deduplication), and high
 * throughput mode: deduplication and the throughput quota per message group (one group per object, ADR 0048).
 *
 * Name, ARN and URL are literals derived from the fixed name, so the dead-letter queue's redrive allow policy can
 * name its source without a reference cycle, and a consumer in another stack needs no export of them.
 */
export class EventQueue extends Construct implements IEventQueue {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly key: kms.Key;
  readonly queueName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly deadLetterQueueName: string;
  readonly deadLetterQueueArn: string;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);
    this.queueName = props.queueName;
    this.deadLetterQueueName = props.queueName.replace(/\.fifo$/, '-dlq.fifo');
    this.queueArn = queueArnOf(this, this.queueName);
    this.deadLetterQueueArn = queueArnOf(this, this.deadLetterQueueName);
    this.queueUrl = `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${this.queueName}`;

    this.key = new kms.Key(this, 'Key', {
      description:
        'Tessera events key: the events queue and its dead-letter queue (payment and refund events)',
      alias: props.keyAlias,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUseOutsideSqs',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringNotEquals: { 'kms:ViaService': sqsService(this) },
          Bool: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: this.deadLetterQueueName,
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod,
      receiveMessageWaitTime: LONG_POLL,
      // Only the events queue may dead-letter here (by its literal ARN: a reference would be a cycle).
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'Source', this.queueArn)],
      },
      removalPolicy,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: this.queueName,
      fifo: true,
      // The relay sends the event id as MessageDeduplicationId: a re-published event is dropped, an equal body is not.
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod,
      visibilityTimeout: props.visibilityTimeout,
      receiveMessageWaitTime: LONG_POLL,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy,
    });
  }

  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueue(grantee, ['sqs:SendMessage', 'sqs:GetQueueAttributes'], PUBLISH_KEY_ACTIONS);
  }

  grantConsume(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueue(
      grantee,
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      CONSUME_KEY_ACTIONS,
    );
  }

  /**
   * Queue actions on this queue only (IAM authorizes SendMessageBatch, DeleteMessageBatch and
   * ChangeMessageVisibilityBatch as their single-message actions), and the key through the grantee's own policy,
   * only when SQS calls KMS for it: the key policy never names a role of a later stack (no cycle, ADR 0018).
   */
  private grantQueue(grantee: iam.IGrantable, actions: string[], keyActions: string[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.queueArn] });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: keyActions,
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': sqsService(this) } },
      }),
    );
    return grant;
  }
}

function sqsService(scope: Construct): string {
  return `sqs.${Stack.of(scope).region}.amazonaws.com`;
}

function queueArnOf(scope: Construct, queueName: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: queueName });
}

function validate(props: EventQueueProps): void {
  if (!FIFO_QUEUE_NAME.test(props.queueName)) {
    throw new Error(
      `event queue: queueName '${props.queueName}' must be letters, digits, '-' or '_' ending in '.fifo', at most 80 characters (the dead-letter queue adds '-dlq')`,
    );
  }
  if (!props.keyAlias.startsWith('alias/') || props.keyAlias.startsWith('alias/aws/')) {
    throw new Error(
      `event queue: keyAlias '${props.keyAlias}' must start with 'alias/' and not 'alias/aws/'`,
    );
  }
  const range = (name: string, value: number, min: number, max: number, unit: string): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`event queue: ${name} ${value} must be a whole number from ${min} to ${max}${unit}`);
    }
  };
  const retention = props.retentionPeriod.toSeconds();
  const deadLetterRetention = props.deadLetterRetentionPeriod.toSeconds();
  const limits = [SQS_MIN_RETENTION_SECONDS, SQS_MAX_RETENTION_SECONDS] as const;
  range('retentionPeriod', retention, ...limits, ' seconds');
  range('deadLetterRetentionPeriod', deadLetterRetention, ...limits, ' seconds');
  range(
    'visibilityTimeout',
    props.visibilityTimeout.toSeconds(),
    0,
    SQS_MAX_VISIBILITY_TIMEOUT_SECONDS,
    ' seconds',
  );
  range('maxReceiveCount', props.maxReceiveCount, 1, SQS_MAX_RECEIVE_COUNT, '');
  if (deadLetterRetention < retention) {
    throw new Error(
      `event queue: deadLetterRetentionPeriod ${deadLetterRetention} s must be at least retentionPeriod ${retention} s`,
    );
  }
}
