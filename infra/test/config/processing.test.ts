import { describe, expect, it } from 'vitest';
import { defaultsFor, loadConfig, validateConfig } from '../../config/index.js';
import { WEBHOOK_RETRY_WINDOW_SECONDS } from '../../config/processing.js';
import { context, rejected } from '../support/config.js';

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
const DAY = 86_400;

describe('processing section (config/processing.ts)', () => {
  it('keeps events 1 day in dev, 4 in staging, 7 in prod, and dead letters the SQS maximum of 14 days', () => {
    expect(ENVIRONMENTS.map((env) => defaultsFor(env).processing.queue.messageRetentionSeconds)).toEqual([
      DAY,
      4 * DAY,
      7 * DAY,
    ]);
    for (const env of ENVIRONMENTS) {
      const { processing } = defaultsFor(env);
      expect(processing.deadLetterQueue.messageRetentionSeconds, env).toBe(14 * DAY);
      expect(processing.settlement, env).toEqual({ delayDays: 2, hourUtc: 2 });
    }
  });

  it('retries webhooks Stripe-like in prod: growing gaps up to 12 hours, within 3 days in all', () => {
    const schedule = defaultsFor('prod').processing.webhooks.retryScheduleSeconds;
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(WEBHOOK_RETRY_WINDOW_SECONDS);
    expect(total).toBeGreaterThan(2 * DAY);
    expect(schedule.every((s, i) => i === 0 || s >= schedule[i - 1]!)).toBe(true);
    expect(Math.max(...schedule)).toBe(43_200);
    // dev retries within seconds, so a developer sees a failing endpoint retried.
    expect(defaultsFor('dev').processing.webhooks.retryScheduleSeconds[0]).toBeLessThanOrEqual(10);
  });

  it('leaves room for every delivery attempt before an event dead-letters, in every environment', () => {
    for (const env of ENVIRONMENTS) {
      const { queue, webhooks } = defaultsFor(env).processing;
      expect(queue.maxReceiveCount, env).toBeGreaterThan(webhooks.retryScheduleSeconds.length + 1);
    }
  });

  it('refuses a retention outside SQS limits (60 s to 14 days), naming field, value and range', () => {
    expect(rejected((c) => (c.processing.queue.messageRetentionSeconds = 59)).message).toContain(
      'processing.queue.messageRetentionSeconds: got 59; must be between 60 and 1209600 seconds (SQS keeps a message 60 seconds to 14 days)',
    );
    expect(
      rejected((c) => (c.processing.deadLetterQueue.messageRetentionSeconds = 14 * DAY + 1)).message,
    ).toContain(
      'processing.deadLetterQueue.messageRetentionSeconds: got 1209601; must be between 60 and 1209600',
    );
  });

  it('refuses a visibility timeout above 12 hours and a maxReceiveCount outside 1-1000', () => {
    expect(rejected((c) => (c.processing.queue.visibilityTimeoutSeconds = 43_201)).message).toContain(
      'processing.queue.visibilityTimeoutSeconds: got 43201; must be between 0 and 43200 seconds (SQS visibility timeouts run from 0 to 12 hours)',
    );
    expect(rejected((c) => (c.processing.queue.maxReceiveCount = 1001)).message).toContain(
      "processing.queue.maxReceiveCount: got 1001; must be between 1 and 1000 (the SQS redrive policy's limits)",
    );
    expect(rejected((c) => (c.processing.queue.maxReceiveCount = 0)).message).toContain(
      'processing.queue.maxReceiveCount: got 0; must be between 1 and 1000',
    );
  });

  it('refuses a dead-letter queue that keeps events for less time than the events queue', () => {
    const e = rejected((c) => {
      c.processing.queue.messageRetentionSeconds = 7 * DAY;
      c.processing.deadLetterQueue.messageRetentionSeconds = 5 * DAY;
    }, 'prod');
    expect(e.message).toContain(
      'processing.deadLetterQueue.messageRetentionSeconds: got 432000; must be at least processing.queue.messageRetentionSeconds (604800)',
    );
  });

  it("refuses less than 4 days of retention when removalPolicy is 'retain' (prod)", () => {
    expect(rejected((c) => (c.processing.queue.messageRetentionSeconds = 3 * DAY), 'prod').message).toContain(
      "processing.queue.messageRetentionSeconds: got 259200; must be at least 345600 (4 days) when removalPolicy is 'retain'",
    );
    // dev (destroy) may keep a day.
    expect(validateConfig(defaultsFor('dev')).processing.queue.messageRetentionSeconds).toBe(DAY);
  });

  it('refuses a retry schedule longer than 3 days, a gap above 12 hours, or none at all', () => {
    expect(
      rejected(
        (c) =>
          (c.processing.webhooks.retryScheduleSeconds = [43_200, 43_200, 43_200, 43_200, 43_200, 43_200, 1]),
        'prod',
      ).message,
    ).toContain(
      'processing.webhooks.retryScheduleSeconds: got [43200,43200,43200,43200,43200,43200,1]; must add up to at most 259200 seconds (3 days, as Stripe retries), got 259201 in total',
    );
    expect(rejected((c) => (c.processing.webhooks.retryScheduleSeconds = [60, 43_201])).message).toContain(
      'processing.webhooks.retryScheduleSeconds.1: got 43201; must be between 1 and 43200 seconds (a retry waits at most the 12-hour SQS visibility timeout)',
    );
    expect(rejected((c) => (c.processing.webhooks.retryScheduleSeconds = [])).message).toContain(
      'processing.webhooks.retryScheduleSeconds: got []; must list at least one retry',
    );
  });

  it('refuses a queue that would drop an event or dead-letter it before its last retry', () => {
    const e = rejected((c) => {
      c.processing.webhooks.retryScheduleSeconds = [3_600, 43_200, 43_200];
      c.processing.queue.maxReceiveCount = 4;
    });
    expect(e.message).toContain(
      'processing.queue.messageRetentionSeconds: got 86400; must be longer than the whole webhook retry schedule (90000 seconds)',
    );
    expect(e.message).toContain(
      'processing.queue.maxReceiveCount: got 4; must be more than the 4 delivery attempts of processing.webhooks.retryScheduleSeconds',
    );
  });

  it('refuses an oldest-message alarm that could only fire after SQS dropped the event', () => {
    expect(rejected((c) => (c.processing.queue.oldestMessageAlarmSeconds = DAY)).message).toContain(
      'processing.queue.oldestMessageAlarmSeconds: got 86400; must be below processing.queue.messageRetentionSeconds (86400)',
    );
  });

  it('refuses a settlement hour outside 0-23 and a delay outside 0-30 days', () => {
    expect(rejected((c) => (c.processing.settlement.hourUtc = 24)).message).toContain(
      'processing.settlement.hourUtc: got 24; must be an hour 0-23',
    );
    expect(rejected((c) => (c.processing.settlement.delayDays = 31)).message).toContain(
      'processing.settlement.delayDays: got 31; must be between 0 and 30 days',
    );
  });

  it('takes -c overrides: numbers, and the retry schedule as a comma-separated list', () => {
    const config = loadConfig({
      envName: 'staging',
      getContext: context({
        'processing.queue.visibilityTimeoutSeconds': '300',
        'processing.webhooks.retryScheduleSeconds': '30,120,600',
        'processing.settlement.hourUtc': '4',
      }),
    });
    expect(config.processing.queue.visibilityTimeoutSeconds).toBe(300);
    expect(config.processing.webhooks.retryScheduleSeconds).toEqual([30, 120, 600]);
    expect(config.processing.settlement.hourUtc).toBe(4);
  });

  it('names the item of a -c retry schedule that is not a number', () => {
    expect(() =>
      loadConfig({ getContext: context({ 'processing.webhooks.retryScheduleSeconds': '60,soon' }) }),
    ).toThrow(/processing\.webhooks\.retryScheduleSeconds\.1: got "soon"; must be a number/);
  });
});
