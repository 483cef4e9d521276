import { z } from 'zod';
import { hourOfDay, type RuleIssue, wholeNumber } from './primitives.js';

/** SQS keeps a message at least 60 seconds and at most 14 days (`MessageRetentionPeriod`). */
export const SQS_MIN_RETENTION_SECONDS = 60;
export const SQS_MAX_RETENTION_SECONDS = 14 * 86_400;
/** SQS visibility timeouts run from 0 to 12 hours (`VisibilityTimeout`, `ChangeMessageVisibility`). */
export const SQS_MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 3_600;
/** A redrive policy's `maxReceiveCount` is 1 to 1,000. */
export const SQS_MAX_RECEIVE_COUNT = 1_000;
/** Stripe retries a webhook for up to three days; so does Tessera (issue 13). */
export const WEBHOOK_RETRY_WINDOW_SECONDS = 3 * 86_400;
/** What a retained (prod) queue keeps at least: a long weekend of consumers down loses no event. */
export const RETAINED_MIN_RETENTION_SECONDS = 4 * 86_400;

/** A whole number of seconds between `min` and `max`; `why` names the limit's source. */
const seconds = (min: number, max: number, why: string) =>
  z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(min, { error: `must be between ${min} and ${max} seconds${why}` })
    .max(max, { error: `must be between ${min} and ${max} seconds${why}` });

const retention = seconds(
  SQS_MIN_RETENTION_SECONDS,
  SQS_MAX_RETENTION_SECONDS,
  ' (SQS keeps a message 60 seconds to 14 days)',
);

/**
 * The Processing stack: the events queue the payment API's relay publishes its outbox to and its in-service
 * workers consume (ADR 0031, ADR 0048), the dead-letter queue, the webhook retry schedule and the daily settlement.
 */
export const processingSchema = z.strictObject({
  /** The FIFO events queue (one message group per object, deduplicated by event id). */
  queue: z.strictObject({
    /** Seconds SQS keeps an event nobody deleted (`MessageRetentionPeriod`). */
    messageRetentionSeconds: retention,
    /** Seconds a received event stays hidden from other workers while one processes it (`VisibilityTimeout`). */
    visibilityTimeoutSeconds: seconds(
      0,
      SQS_MAX_VISIBILITY_TIMEOUT_SECONDS,
      ' (SQS visibility timeouts run from 0 to 12 hours)',
    ),
    /** Receives after which an event moves to the dead-letter queue (the redrive policy's `maxReceiveCount`). */
    maxReceiveCount: wholeNumber
      .min(1, { error: `must be between 1 and ${SQS_MAX_RECEIVE_COUNT} (the SQS redrive policy's limits)` })
      .max(SQS_MAX_RECEIVE_COUNT, {
        error: `must be between 1 and ${SQS_MAX_RECEIVE_COUNT} (the SQS redrive policy's limits)`,
      }),
    /** Alarm (warning) when the oldest event waits longer than this many seconds: the workers are behind. */
    oldestMessageAlarmSeconds: seconds(60, SQS_MAX_RETENTION_SECONDS, ' (at most the longest SQS retention)'),
  }),
  deadLetterQueue: z.strictObject({
    /** Seconds the dead-letter queue keeps an event for an operator to look at and redrive. */
    messageRetentionSeconds: retention,
  }),
  webhooks: z.strictObject({
    /**
     * Seconds between delivery attempts, in order (`WEBHOOK_RETRY_SCHEDULE`): the first retry comes this many
     * seconds after the first failure, and so on; after the last one the event is not retried.
     */
    retryScheduleSeconds: z
      .array(
        seconds(
          1,
          SQS_MAX_VISIBILITY_TIMEOUT_SECONDS,
          ' (a retry waits at most the 12-hour SQS visibility timeout)',
        ),
        { error: 'must be a list of seconds' },
      )
      .min(1, { error: 'must list at least one retry' }),
  }),
  settlement: z.strictObject({
    /** Captured funds become available this many days after capture (`available_on`, `SETTLEMENT_DELAY_DAYS`). */
    delayDays: wholeNumber
      .min(0, { error: 'must be between 0 and 30 days' })
      .max(30, { error: 'must be between 0 and 30 days' }),
    /** Hour of day (UTC) the daily settlement run starts (`SETTLEMENT_HOUR_UTC`). */
    hourUtc: hourOfDay,
  }),
});

export type ProcessingConfig = z.infer<typeof processingSchema>;

interface ProcessingRulesInput {
  readonly processing: ProcessingConfig;
  readonly removalPolicy: 'destroy' | 'retain';
}

/**
 * What SQS and the retry schedule need of each other. A worker that defers a failed delivery may do it by giving
 * the message a new visibility timeout, so each retry is one more receive of the same message: the message must
 * outlive the whole schedule and must not reach `maxReceiveCount` before its last attempt.
 */
export function processingRules({ processing, removalPolicy }: ProcessingRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { queue, deadLetterQueue, webhooks } = processing;
  const at = (...path: string[]) => ['processing', ...path];
  const schedule = webhooks.retryScheduleSeconds;
  const total = schedule.reduce((sum, s) => sum + s, 0);
  const attempts = schedule.length + 1;

  if (deadLetterQueue.messageRetentionSeconds < queue.messageRetentionSeconds) {
    issues.push({
      path: at('deadLetterQueue', 'messageRetentionSeconds'),
      message:
        `must be at least processing.queue.messageRetentionSeconds (${queue.messageRetentionSeconds}): ` +
        'AWS advises a dead-letter queue that keeps messages longer than its source queue',
    });
  }
  if (total > WEBHOOK_RETRY_WINDOW_SECONDS) {
    issues.push({
      path: at('webhooks', 'retryScheduleSeconds'),
      message: `must add up to at most ${WEBHOOK_RETRY_WINDOW_SECONDS} seconds (3 days, as Stripe retries), got ${total} in total`,
    });
  }
  if (queue.messageRetentionSeconds <= total) {
    issues.push({
      path: at('queue', 'messageRetentionSeconds'),
      message: `must be longer than the whole webhook retry schedule (${total} seconds): SQS would drop an event before its last attempt`,
    });
  }
  if (queue.maxReceiveCount <= attempts) {
    issues.push({
      path: at('queue', 'maxReceiveCount'),
      message:
        `must be more than the ${attempts} delivery attempts of processing.webhooks.retryScheduleSeconds: ` +
        'each attempt is a receive, and the event must not dead-letter before its last one',
    });
  }
  if (queue.oldestMessageAlarmSeconds >= queue.messageRetentionSeconds) {
    issues.push({
      path: at('queue', 'oldestMessageAlarmSeconds'),
      message: `must be below processing.queue.messageRetentionSeconds (${queue.messageRetentionSeconds}): the alarm must fire before SQS drops the event`,
    });
  }
  if (removalPolicy === 'retain' && queue.messageRetentionSeconds < RETAINED_MIN_RETENTION_SECONDS) {
    issues.push({
      path: at('queue', 'messageRetentionSeconds'),
      message: `must be at least ${RETAINED_MIN_RETENTION_SECONDS} (4 days) when removalPolicy is 'retain': a consumer outage over a long weekend must lose no event`,
    });
  }
  return issues;
}
