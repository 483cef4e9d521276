import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import type { MonitoredResources } from '../constructs/monitoring/monitored-resources.js';
import { EventQueue, type IEventQueue } from '../constructs/processing/event-queue.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface ProcessingStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The event path's AWS side (ADR 0048): the FIFO events queue the payment API's relay publishes its outbox to and
 * its in-service workers (webhook delivery, settlement) consume (ADR 0031), with its dead-letter queue and key.
 * It sits before the App stack, which takes {@link events} as handed over.
 */
export class ProcessingStack extends Stack {
  readonly eventQueue: EventQueue;
  /** The events queue as the payment API takes it: URL and the publish / consume grants. */
  readonly events: IEventQueue;
  /** What the Monitoring stack watches here: the events queue's backlog and its dead letters. */
  readonly monitoring: MonitoredResources;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { queue, deadLetterQueue } = config.processing;

    this.eventQueue = new EventQueue(this, 'Events', {
      queueName: `tessera-${config.envName}-events.fifo`,
      keyAlias: `alias/tessera/${config.envName}/events`,
      retentionPeriod: Duration.seconds(queue.messageRetentionSeconds),
      visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
      maxReceiveCount: queue.maxReceiveCount,
      deadLetterRetentionPeriod: Duration.seconds(deadLetterQueue.messageRetentionSeconds),
      removalPolicy: toRemovalPolicy(config.removalPolicy),
    });
    this.events = this.eventQueue;

    this.monitoring = {
      queues: [
        {
          label: 'Events',
          queue: this.eventQueue.queue,
          deadLetterQueue: this.eventQueue.deadLetterQueue,
          maxAgeSeconds: queue.oldestMessageAlarmSeconds,
        },
      ],
    };

    new CfnOutput(this, 'EventsQueueUrl', {
      value: this.eventQueue.queueUrl,
      description: 'FIFO queue the payment API publishes its outbox events to (EVENTS_QUEUE_URL)',
    });
    new CfnOutput(this, 'EventsDeadLetterQueueArn', {
      value: this.eventQueue.deadLetterQueueArn,
      description: 'Dead-letter queue of the events queue (runbook: docs/runbooks/dead-letter-queue.md)',
    });
  }
}
