import { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { eventConsumers } from './app/event-consumers.js';
import { EventRelay } from './app/event-relay.js';
import { EventWorker } from './app/event-worker.js';
import type { Deps } from './app/deps.js';
import type { EventsConfig } from './events-config.js';
import type { EventConsumer } from './events/event.js';
import type { EventQueue } from './events/queue.js';
import { InMemoryFifoQueue } from './queue/in-memory-fifo-queue.js';
import { SqsEventQueue } from './queue/sqs-event-queue.js';
import { Periodic } from './periodic.js';
import { deleteExpiredEvents, EVENT_RETENTION_DAYS } from './store/event-store.js';
import { deleteExpiredDeliveries } from './store/webhook-delivery-store.js';

export function createEventQueue(config: EventsConfig): EventQueue {
  const queue = config.queue;
  if (queue.kind === 'sqs') return new SqsEventQueue(new SQSClient({ region: queue.region }), queue.url);
  return new InMemoryFifoQueue({
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    maxReceiveCount: queue.maxReceiveCount,
  });
}

export interface EventStream {
  readonly queue: EventQueue;
  readonly relay: EventRelay;
  readonly worker: EventWorker;
  /** Stops the relay, then the worker (which first consumes what the in-process queue still holds). */
  stop(): Promise<void>;
}

/**
 * Starts the event path of ADR 0031 in this process: the relay (outbox → queue) every relayIntervalMs, a
 * worker handing the queue's events to the consumers, and the 30-day retention of GET /v1/events.
 */
export function startEventStream(
  deps: Deps,
  config: EventsConfig,
  logger: Logger,
  /** The consumers of other features (webhook delivery), after the stream's own. */
  consumers: readonly EventConsumer[] = [],
): EventStream {
  const queue = createEventQueue(config);
  const relay = new EventRelay(deps.db, queue, {
    batchSize: config.relayBatchSize,
    leaseSeconds: config.relayLeaseSeconds,
  });
  const relaying = new Periodic(
    () => relay.runOnce(),
    config.relayIntervalMs,
    (err) => logger.warn({ err }, 'event relay failed; the outbox rows are published again'),
  );
  const worker = new EventWorker(
    queue,
    [
      ...eventConsumers(deps, { logger, logEvents: config.queue.kind === 'memory' ? 'info' : 'debug' }),
      ...consumers,
    ],
    {
      batchSize: 10,
      waitSeconds: config.workerWaitSeconds,
      errorBackoffMs: 1000,
      onError: (err, context) => logger.warn({ err, ...context }, 'event consumer failed; it is redelivered'),
    },
  );
  worker.start();
  const retention = new Periodic(
    async () => {
      const removed = await deleteExpiredEvents(deps.db);
      const deliveries = await deleteExpiredDeliveries(deps.db, EVENT_RETENTION_DAYS);
      if (removed + deliveries > 0) {
        logger.info({ removed, deliveries }, 'events and webhook deliveries past their 30 days removed');
      }
    },
    config.retentionIntervalSeconds * 1000,
    (err) => logger.warn({ err }, 'deleting expired events failed'),
  );
  return {
    queue,
    relay,
    worker,
    async stop() {
      await Promise.all([relaying.stop(), retention.stop()]);
      await worker.stop(queue instanceof InMemoryFifoQueue);
    },
  };
}
