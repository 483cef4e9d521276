/**
 * When a failed webhook delivery is tried again: the n-th entry is the wait in seconds after the n-th failed
 * attempt; after the last entry's retry fails the delivery is abandoned. One attempt plus one per entry.
 */
export type RetrySchedule = readonly number[];

const HOUR = 3600;

/**
 * Stripe-like: exponential backoff over about three days — 5 minutes doubling to about 10 h 40 min, then
 * every 12 hours; the waits sum to 69 h 15 min. 13 attempts in all.
 */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = [
  300,
  600,
  1200,
  2400,
  4800,
  9600,
  19200,
  38400,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
];

/** The embedded default's: the first retry within 10 seconds, so a developer sees it, then the same span. */
export const EMBEDDED_RETRY_SCHEDULE: RetrySchedule = [5, 30, ...DEFAULT_RETRY_SCHEDULE.slice(1)];

export const MAX_RETRIES = 50;
export const MAX_WAIT_SECONDS = 7 * 24 * HOUR;

/** Parses WEBHOOK_RETRY_SCHEDULE-style text (comma-separated seconds); a message saying what is wrong on error. */
export function parseRetrySchedule(text: string): RetrySchedule | { readonly error: string } {
  const entries = text.split(',').map((s) => s.trim());
  if (entries.length > MAX_RETRIES) return { error: `at most ${MAX_RETRIES} retries` };
  const waits: number[] = [];
  for (const entry of entries) {
    const n = /^\d{1,7}$/.test(entry) ? Number(entry) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_WAIT_SECONDS) {
      return { error: `each entry must be whole seconds from 1 to ${MAX_WAIT_SECONDS} (got "${entry}")` };
    }
    waits.push(n);
  }
  return waits;
}

/** The wait before the next attempt after `failedAttempts` failures, or null when the delivery is abandoned. */
export function nextRetryDelaySeconds(schedule: RetrySchedule, failedAttempts: number): number | null {
  return schedule[failedAttempts - 1] ?? null;
}

/** The schedule's span: from the first attempt to the last retry, in seconds. */
export function scheduleSpanSeconds(schedule: RetrySchedule): number {
  return schedule.reduce((a, b) => a + b, 0);
}
