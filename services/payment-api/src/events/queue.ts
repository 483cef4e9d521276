import type { EventEnvelope } from './event.js';

/**
 * Where the relay publishes events. `publish` resolves only once every envelope is accepted, in order per
 * object (`data.object.id`); it throws when any is not, so the relay keeps the outbox rows and retries them.
 * A publish may repeat envelopes already accepted: the queue deduplicates them on `event.id`.
 */
export interface EventPublisher {
  publish(envelopes: readonly EventEnvelope[]): Promise<void>;
}

/** A message received from the queue; invisible to other receivers until deleted or its visibility ends. */
export interface ReceivedEvent {
  readonly receiptHandle: string;
  /** How many times the message was received, this time included. */
  readonly receiveCount: number;
  /** The envelope, or null when the body is not one (the message then fails until it reaches the DLQ). */
  readonly envelope: EventEnvelope | null;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  /** Long polling: how long to wait for a first message when none is available. */
  readonly waitSeconds: number;
  /** Ends the wait early (shutdown); the receive then resolves with what it has (nothing). */
  readonly signal?: AbortSignal;
}

/** The event stream as the workers see it: an SQS FIFO queue, or its in-process model on the embedded default. */
export interface EventQueue extends EventPublisher {
  receive(options: ReceiveOptions): Promise<ReceivedEvent[]>;
  /** Acknowledges messages (consumed): they are never delivered again. */
  delete(receiptHandles: readonly string[]): Promise<void>;
}

/** The queue's message body of an envelope, and back (null when a body is not an envelope). */
export function encodeEnvelope(envelope: EventEnvelope): string {
  return JSON.stringify(envelope);
}

export function decodeEnvelope(body: string | undefined): EventEnvelope | null {
  if (body === undefined) return null;
  try {
    const value = JSON.parse(body) as Partial<EventEnvelope> | null;
    const event = value?.event;
    if (
      typeof value?.merchantId !== 'string' ||
      typeof event?.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof event.data?.object?.id !== 'string'
    ) {
      return null;
    }
    return value as EventEnvelope;
  } catch {
    return null;
  }
}

/** The message group of an envelope: its object, so the queue keeps one object's events in order. */
export const messageGroupOf = (envelope: EventEnvelope) => envelope.event.data.object.id;
