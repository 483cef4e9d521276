import { describe, expect, it } from 'vitest';
import { EventWorker } from '../../src/app/event-worker.js';
import type { EventConsumer, EventEnvelope } from '../../src/events/event.js';
import { InMemoryFifoQueue } from '../../src/queue/in-memory-fifo-queue.js';
import { envelope } from '../support/events.js';

function setup(consumers: EventConsumer[], maxReceiveCount = 3) {
  let now = 0;
  const queue = new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount, clock: () => now });
  const errors: { consumer?: string; eventId?: string }[] = [];
  const worker = new EventWorker(queue, consumers, {
    batchSize: 10,
    waitSeconds: 0,
    errorBackoffMs: 10,
    onError: (_err, context) => errors.push(context),
  });
  return { queue, worker, errors, advance: (s: number) => (now += s * 1000) };
}

/** A consumer that records what it got and fails for the event ids in `failing` (while they are in it). */
function recorder(name: string, failing = new Set<string>()) {
  const seen: string[] = [];
  const consumer: EventConsumer = {
    name,
    consume(e: EventEnvelope) {
      if (failing.has(e.event.id)) return Promise.reject(new Error(`${name} failed`));
      seen.push(e.event.id);
      return Promise.resolve();
    },
  };
  return { consumer, seen, failing };
}

describe('EventWorker', () => {
  it('hands every event to every consumer and deletes it once all succeeded', async () => {
    const a = recorder('webhooks');
    const b = recorder('settlement');
    const { queue, worker } = setup([a.consumer, b.consumer]);
    const events = [envelope('cus_a'), envelope('cus_b'), envelope('cus_a')];
    await queue.publish(events);
    expect(await worker.pollOnce()).toBe(3);
    expect(a.seen).toEqual(events.map((e) => e.event.id));
    expect(b.seen).toEqual(a.seen);
    expect(queue.depth).toBe(0);
  });

  it('leaves a failed event for redelivery, and its object’s later events behind it', async () => {
    const [a1, a2, b1] = [envelope('cus_a'), envelope('cus_a'), envelope('cus_b')];
    const flaky = recorder('webhooks', new Set([a1.event.id]));
    const { queue, worker, errors, advance } = setup([flaky.consumer]);
    await queue.publish([a1, a2, b1]);
    expect(await worker.pollOnce()).toBe(1);
    expect(flaky.seen).toEqual([b1.event.id]); // a2 is not handed out before a1
    expect(errors).toEqual([{ consumer: 'webhooks', eventId: a1.event.id }]);
    expect(await worker.pollOnce()).toBe(0); // invisible until the visibility timeout
    flaky.failing.clear();
    advance(31);
    expect(await worker.pollOnce()).toBe(2);
    expect(flaky.seen).toEqual([b1.event.id, a1.event.id, a2.event.id]);
  });

  it('an event that keeps failing reaches the dead-letter queue after maxReceiveCount receives', async () => {
    const poison = envelope('cus_a');
    const broken = recorder('webhooks', new Set([poison.event.id]));
    const { queue, worker, errors, advance } = setup([broken.consumer], 2);
    await queue.publish([poison]);
    for (let i = 0; i < 3; i += 1) {
      await worker.pollOnce();
      advance(31);
    }
    expect(errors).toHaveLength(2);
    expect(queue.deadLettered().map((e) => e.event.id)).toEqual([poison.event.id]);
    expect(queue.depth).toBe(0);
  });

  it('runs until stopped; stop ends the long poll', async () => {
    const a = recorder('webhooks');
    const queue = new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const worker = new EventWorker(queue, [a.consumer], {
      batchSize: 10,
      waitSeconds: 20,
      errorBackoffMs: 10,
      onError: () => undefined,
    });
    worker.start();
    const sent = envelope('cus_a');
    await queue.publish([sent]);
    for (let i = 0; i < 200 && a.seen.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(a.seen).toEqual([sent.event.id]);
    await worker.stop(); // resolves although the worker was waiting up to 20 s for a message
    await queue.publish([envelope('cus_b')]);
    expect(queue.depth).toBe(1);
  });
});
