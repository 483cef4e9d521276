import { ConfigError, integer } from './config.js';

/** Where the event stream runs: an SQS FIFO queue (AWS), or the in-process queue (embedded default, tests). */
export type EventQueueConfig =
  | { readonly kind: 'sqs'; readonly url: string; readonly region: string }
  | { readonly kind: 'memory'; readonly visibilityTimeoutSeconds: number; readonly maxReceiveCount: number };

export interface EventsConfig {
  readonly queue: EventQueueConfig;
  /** How often the relay looks for outbox rows. */
  readonly relayIntervalMs: number;
  /** Outbox rows per claim. */
  readonly relayBatchSize: number;
  /** How long a claim is held before another relay takes it over (longer than a publish can take). */
  readonly relayLeaseSeconds: number;
  /** Long polling wait of the workers' receives. */
  readonly workerWaitSeconds: number;
  /** How often events older than the retention (30 days) are deleted. */
  readonly retentionIntervalSeconds: number;
}

/** An SQS FIFO queue URL: https://sqs.<region>.amazonaws.com/<account>/<name>.fifo. */
const SQS_FIFO_URL =
  /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,75}\.fifo$/;

export function eventsConfig(env: NodeJS.ProcessEnv, embedded: boolean): EventsConfig {
  const url = env.EVENTS_QUEUE_URL;
  let queue: EventQueueConfig;
  if (url) {
    const match = SQS_FIFO_URL.exec(url);
    if (!match?.[1]) {
      throw new ConfigError(
        `EVENTS_QUEUE_URL is ${JSON.stringify(url)}; expected an SQS FIFO queue URL like ` +
          'https://sqs.eu-west-1.amazonaws.com/123456789012/tessera-events.fifo (or unset for the in-process queue)',
      );
    }
    queue = { kind: 'sqs', url, region: match[1] };
  } else {
    queue = {
      kind: 'memory',
      visibilityTimeoutSeconds: integer(env, 'EVENTS_VISIBILITY_TIMEOUT_SECONDS', 30, 1, 43_200),
      maxReceiveCount: integer(env, 'EVENTS_MAX_RECEIVE_COUNT', 5, 1, 1000),
    };
  }
  return {
    queue,
    relayIntervalMs: integer(env, 'EVENTS_RELAY_INTERVAL_MS', embedded ? 250 : 1000, 10, 60_000),
    relayBatchSize: integer(env, 'EVENTS_RELAY_BATCH_SIZE', 100, 1, 1000),
    relayLeaseSeconds: integer(env, 'EVENTS_RELAY_LEASE_SECONDS', 30, 1, 900),
    workerWaitSeconds: integer(env, 'EVENTS_WORKER_WAIT_SECONDS', 20, 0, 20),
    retentionIntervalSeconds: integer(env, 'EVENTS_RETENTION_INTERVAL_SECONDS', 3600, 1, 86_400),
  };
}
