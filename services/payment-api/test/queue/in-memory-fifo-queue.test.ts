import { describe, expect, it } from 'vitest';
import { InMemoryFifoQueue } from '../../src/queue/in-memory-fifo-queue.js';
import { envelope } from '../support/events.js';

function queueWithClock(maxReceiveCount = 3) {
  let now = 1_000_000;
  const queue = new InMemoryFifoQueue({
    visibilityTimeoutSeconds: 30,
    maxReceiveCount,
    clock: () => now,
  });
  return { queue, advance: (seconds: number) => (now += seconds * 1000) };
}

const ids = (received: Awaited<ReturnType<InMemoryFifoQueue['receive']>>) =>
  received.map((m) => m.envelope?.event.id);

describe('InMemoryFifoQueue (SQS FIFO rules)', () => {
  it('drops a message whose deduplication id was sent in the last 5 minutes, not after', async () => {
    const { queue, advance } = queueWithClock();
    const first = envelope('cus_a', 'customer.created', 'evt_same');
    await queue.publish([first, first]);
    advance(299);
    await queue.publish([first]);
    expect(queue.depth).toBe(1);
    advance(2); // 301 s after the first send
    await queue.publish([first]);
    expect(queue.depth).toBe(2);
  });

  it('delivers a group in order and holds it while one of its messages is in flight', async () => {
    const { queue } = queueWithClock();
    const [a1, a2, b1] = [envelope('cus_a'), envelope('cus_a'), envelope('cus_b')];
    await queue.publish([a1, a2, b1]);
    const first = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(ids(first)).toEqual([a1.event.id]);
    // a2 waits behind the in-flight a1; b1 is another group
    expect(ids(await queue.receive({ maxMessages: 10, waitSeconds: 0 }))).toEqual([b1.event.id]);
    await queue.delete(first.map((m) => m.receiptHandle));
    expect(ids(await queue.receive({ maxMessages: 10, waitSeconds: 0 }))).toEqual([a2.event.id]);
  });

  it('returns a message not deleted within the visibility timeout, first of its group', async () => {
    const { queue, advance } = queueWithClock();
    const [a1, a2] = [envelope('cus_a'), envelope('cus_a')];
    await queue.publish([a1, a2]);
    const taken = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(ids(taken)).toEqual([a1.event.id, a2.event.id]);
    advance(29);
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    advance(2);
    const again = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(ids(again)).toEqual([a1.event.id, a2.event.id]);
    expect(again.map((m) => m.receiveCount)).toEqual([2, 2]);
    // the first receive's handles are stale now and delete nothing
    await queue.delete(taken.map((m) => m.receiptHandle));
    expect(queue.depth).toBe(2);
    await queue.delete(again.map((m) => m.receiptHandle));
    expect(queue.depth).toBe(0);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
    const { queue, advance } = queueWithClock(2);
    const [a1, a2] = [envelope('cus_a'), envelope('cus_a')];
    await queue.publish([a1, a2]);
    for (let i = 0; i < 2; i += 1) {
      expect(ids(await queue.receive({ maxMessages: 1, waitSeconds: 0 }))).toEqual([a1.event.id]);
      advance(31);
    }
    // the third receive dead-letters a1 and hands out the next of its group
    expect(ids(await queue.receive({ maxMessages: 1, waitSeconds: 0 }))).toEqual([a2.event.id]);
    expect(queue.deadLettered().map((e) => e.event.id)).toEqual([a1.event.id]);
  });

  it('makes a message visible again at once with changeVisibility', async () => {
    const { queue } = queueWithClock();
    await queue.publish([envelope('cus_a')]);
    const [taken] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    queue.changeVisibility(taken?.receiptHandle ?? '', 0);
    expect(await queue.receive({ maxMessages: 1, waitSeconds: 0 })).toHaveLength(1);
  });

  it('long polling: a waiting receive gets a message sent meanwhile; an abort ends the wait', async () => {
    const queue = new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const waiting = queue.receive({ maxMessages: 10, waitSeconds: 20 });
    const sent = envelope('cus_a');
    await queue.publish([sent]);
    expect(ids(await waiting)).toEqual([sent.event.id]);
    const abort = new AbortController();
    const aborted = queue.receive({ maxMessages: 10, waitSeconds: 20, signal: abort.signal });
    abort.abort();
    expect(await aborted).toEqual([]);
  });
});
