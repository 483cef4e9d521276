import type { EventConsumer } from '../events/event.js';
import { messageGroupOf, type EventQueue, type ReceivedEvent } from '../events/queue.js';

export interface EventWorkerOptions {
  /** Messages per receive (SQS: at most 10). */
  readonly batchSize: number;
  /** Long polling wait per receive. */
  readonly waitSeconds: number;
  /** Pause after a failed receive or delete before trying again. */
  readonly errorBackoffMs: number;
  /** A consumer failed on an event (it is delivered again) or the queue failed. */
  readonly onError: (err: unknown, context: { consumer?: string; eventId?: string }) => void;
}

/**
 * Consumes the event stream in the service (ADR 0031): receives messages, hands each envelope to every
 * consumer, and deletes it once all succeeded. A message a consumer fails on stays: it comes back after the
 * visibility timeout, to every consumer again (they are idempotent on the event id), and moves to the
 * dead-letter queue after maxReceiveCount receives. Later messages of its object in the same receive are
 * left too, so a consumer never sees one object's events out of order.
 */
export class EventWorker {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly consumers: readonly EventConsumer[],
    private readonly options: EventWorkerOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Ends the long poll, lets the batch in hand finish, and resolves when the worker has stopped. With
   * `drain`, it first consumes every message available now (an in-process queue ends with the process).
   */
  async stop(drain = false): Promise<void> {
    this.abort.abort();
    await this.loop;
    while (drain && (await this.drainOnce()) > 0);
  }

  private async drainOnce(): Promise<number> {
    const messages = await this.queue.receive({ maxMessages: this.options.batchSize, waitSeconds: 0 });
    await this.process(messages);
    return messages.length;
  }

  /** One receive and its processing; the number of messages consumed (deleted). */
  async pollOnce(): Promise<number> {
    const messages = await this.queue.receive({
      maxMessages: this.options.batchSize,
      waitSeconds: this.options.waitSeconds,
      signal: this.abort.signal,
    });
    return this.process(messages);
  }

  private async process(messages: readonly ReceivedEvent[]): Promise<number> {
    const done: string[] = [];
    const failedGroups = new Set<string>();
    for (const message of messages) {
      const group = message.envelope ? messageGroupOf(message.envelope) : null;
      if (group !== null && failedGroups.has(group)) continue;
      if (await this.consume(message)) done.push(message.receiptHandle);
      else if (group !== null) failedGroups.add(group);
    }
    if (done.length > 0) await this.queue.delete(done);
    return done.length;
  }

  private async consume(message: ReceivedEvent): Promise<boolean> {
    const envelope = message.envelope;
    if (!envelope) {
      this.options.onError(new Error('a message on the event queue is not an event envelope'), {});
      return false;
    }
    let ok = true;
    for (const consumer of this.consumers) {
      try {
        await consumer.consume(envelope);
      } catch (err) {
        ok = false;
        this.options.onError(err, { consumer: consumer.name, eventId: envelope.event.id });
      }
    }
    return ok;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.pollOnce();
      } catch (err) {
        if (this.abort.signal.aborted) break;
        this.options.onError(err, {});
        await pause(this.options.errorBackoffMs, this.abort.signal);
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
