import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../db/database.js';
import { markPaymentIntent, pendingAttemptOf } from '../store/payment-intent-store.js';
import type { PaymentIntentRecord } from '../store/records.js';
import { LockTimeoutError } from './errors.js';

/**
 * Exclusive access to one payment intent, in two stages with one deadline (the lock timeout):
 *
 * 1. in this process, requests on one intent queue in memory (`run`), so a burst on a hot intent holds at
 *    most one database connection instead of one per waiting request — the pool stays free for everyone
 *    else;
 * 2. across processes, the intent's row names the attempt changing it (`hold`), and another attempt waits
 *    for it to finish (polling, without holding a connection).
 *
 * A request that is still waiting at the deadline gets LockTimeoutError (429 lock_timeout).
 */
export class IntentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `fn` once no earlier request of this process on `key` is running; `fn` gets the deadline. */
  async run<T>(key: string, fn: (deadline: number) => Promise<T>): Promise<T> {
    const deadline = this.now() + this.timeoutMs;
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await waitFor(previous, deadline - this.now());
      return await fn(deadline);
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /**
   * Marks the intent as changed by `attempt` and returns it (null when the merchant has none), waiting
   * while another attempt holds it.
   */
  async hold(
    db: Queryable,
    merchantId: string,
    id: string,
    attempt: string,
    deadline: number,
  ): Promise<PaymentIntentRecord | null> {
    for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
      const marked = await markPaymentIntent(db, merchantId, id, attempt);
      if (marked) return marked;
      const holder = await pendingAttemptOf(db, merchantId, id);
      if (holder === undefined) return null;
      if (holder === null) continue; // released in between
      if (this.now() + pause > deadline) throw new LockTimeoutError('payment_intent');
      await sleep(pause);
    }
  }
}

/** Resolves when `turn` does; LockTimeoutError when that takes longer than `ms`. */
async function waitFor(turn: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LockTimeoutError('payment_intent')), Math.max(0, ms));
  });
  try {
    await Promise.race([turn, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
