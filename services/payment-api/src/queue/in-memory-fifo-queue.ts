import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../events/event.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  messageGroupOf,
  type EventQueue,
  type ReceivedEvent,
  type ReceiveOptions,
} from '../events/queue.js';

export interface InMemoryFifoQueueOptions {
  /** How long a received message stays invisible before it is delivered again. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives after which a message moves to the dead-letter queue instead (the redrive policy). */
  readonly maxReceiveCount: number;
  /** SQS FIFO's deduplication interval. @default 300 */
  readonly deduplicationWindowSeconds?: number;
  /** Milliseconds now (tests move time forward). @default Date.now */
  readonly clock?: () => number;
}

interface Message {
  readonly groupId: string;
  readonly body: string;
  receiveCount: number;
  invisibleUntil: number;
  receiptHandle: string | null;
}

/**
 * An SQS FIFO queue in process, with the rules the relay and the workers rely on: a message whose
 * deduplication id (the event id) was sent in the last 5 minutes is accepted and dropped; a group's messages
 * are delivered in order, and not at all while one of them is in flight; a received message that is not
 * deleted comes back after the visibility timeout; one received `maxReceiveCount` times moves to the
 * dead-letter queue on its next receive. The embedded default's event stream, and the SQS fake of the tests.
 */
export class InMemoryFifoQueue implements EventQueue {
  private readonly messages: Message[] = [];
  private readonly deduplication = new Map<string, number>();
  private readonly deadLetters: string[] = [];
  private readonly waiting = new Set<() => void>();
  private readonly clock: () => number;
  private readonly windowMs: number;

  constructor(private readonly options: InMemoryFifoQueueOptions) {
    this.clock = options.clock ?? Date.now;
    this.windowMs = (options.deduplicationWindowSeconds ?? 300) * 1000;
  }

  publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    for (const envelope of envelopes)
      this.send(envelope.event.id, messageGroupOf(envelope), encodeEnvelope(envelope));
    return Promise.resolve();
  }

  /** SendMessage with an explicit deduplication id; false when the id was seen within the window. */
  send(deduplicationId: string, groupId: string, body: string): boolean {
    const now = this.clock();
    for (const [id, expires] of this.deduplication) if (expires <= now) this.deduplication.delete(id);
    if (this.deduplication.has(deduplicationId)) return false;
    this.deduplication.set(deduplicationId, now + this.windowMs);
    this.messages.push({ groupId, body, receiveCount: 0, invisibleUntil: 0, receiptHandle: null });
    for (const wake of this.waiting) wake();
    return true;
  }

  async receive(options: ReceiveOptions): Promise<ReceivedEvent[]> {
    const now = this.receiveNow(options.maxMessages);
    if (now.length > 0 || options.waitSeconds <= 0 || options.signal?.aborted) return now;
    // Wakes on a send, or when an in-flight message becomes visible again, whichever comes first.
    const reappears = Math.min(
      ...this.messages.map((m) => m.invisibleUntil - this.clock()).filter((ms) => ms > 0),
    );
    await this.waitForMessage(Math.min(options.waitSeconds * 1000, reappears), options.signal);
    return options.signal?.aborted ? [] : this.receiveNow(options.maxMessages);
  }

  delete(receiptHandles: readonly string[]): Promise<void> {
    for (const handle of receiptHandles) {
      // A stale handle (the message was received again since) deletes nothing, as in SQS FIFO.
      const index = this.messages.findIndex((m) => m.receiptHandle === handle);
      if (index >= 0) this.messages.splice(index, 1);
    }
    return Promise.resolve();
  }

  /** ChangeMessageVisibility: the message becomes visible again `seconds` from now. */
  changeVisibility(receiptHandle: string, seconds: number): void {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (message) message.invisibleUntil = this.clock() + seconds * 1000;
  }

  /** Messages not yet deleted or dead-lettered (in flight included). */
  get depth(): number {
    return this.messages.length;
  }

  /** The bodies the redrive policy moved to the dead-letter queue, oldest first. */
  deadLettered(): EventEnvelope[] {
    return this.deadLetters.map((body) => decodeEnvelope(body)).filter((e): e is EventEnvelope => e !== null);
  }

  private receiveNow(max: number): ReceivedEvent[] {
    const now = this.clock();
    const blocked = new Set<string>();
    const received: ReceivedEvent[] = [];
    for (const message of [...this.messages]) {
      if (received.length >= max) break;
      if (blocked.has(message.groupId)) continue;
      if (message.invisibleUntil > now) {
        blocked.add(message.groupId); // in flight: the rest of its group waits behind it
        continue;
      }
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLetters.push(message.body);
        continue;
      }
      message.receiveCount += 1;
      message.invisibleUntil = now + this.options.visibilityTimeoutSeconds * 1000;
      message.receiptHandle = randomUUID();
      received.push({
        receiptHandle: message.receiptHandle,
        receiveCount: message.receiveCount,
        envelope: decodeEnvelope(message.body),
      });
    }
    return received;
  }

  private waitForMessage(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
