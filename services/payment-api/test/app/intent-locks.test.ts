import { describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../src/app/errors.js';
import { IntentLocks } from '../../src/app/intent-locks.js';

/** A run that stays inside the lock until released. */
function blocker() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { release, run: () => released };
}

describe('IntentLocks (in-process stage of the intent hold)', () => {
  it('runs requests on one intent one after another, in arrival order, and other intents alongside', async () => {
    const locks = new IntentLocks(10_000);
    const order: string[] = [];
    const first = blocker();
    const a1 = locks.run('acct/pi_a', async () => {
      order.push('a1 start');
      await first.run();
      order.push('a1 end');
    });
    const a2 = locks.run('acct/pi_a', async () => void order.push('a2'));
    const a3 = locks.run('acct/pi_a', async () => void order.push('a3'));
    await locks.run('acct/pi_b', async () => void order.push('b'));
    expect(order).toEqual(['a1 start', 'b']);
    first.release();
    await Promise.all([a1, a2, a3]);
    expect(order).toEqual(['a1 start', 'b', 'a1 end', 'a2', 'a3']);
  });

  it('gives up waiting at the lock timeout without running, and lets the queue behind it proceed', async () => {
    const locks = new IntentLocks(50);
    const holder = blocker();
    const held = locks.run('acct/pi_hot', holder.run);
    let ran = false;
    const waiting = locks.run('acct/pi_hot', async () => {
      ran = true;
    });
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError);
    expect(ran).toBe(false);
    holder.release();
    await held;
    expect(await locks.run('acct/pi_hot', async () => 'next')).toBe('next');
  });

  it('passes the deadline on, so waiting on another process shares the same lock timeout', async () => {
    let clock = 1_000;
    const locks = new IntentLocks(250, () => clock);
    expect(await locks.run('acct/pi_x', async (deadline) => deadline)).toBe(1_250);
    clock = 2_000;
    expect(await locks.run('acct/pi_x', async (deadline) => deadline)).toBe(2_250);
  });
});
