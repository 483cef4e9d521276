import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../events/event.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  messageGroupOf,
  type EventQueue,
  type ReceivedEvent,
  type ReceiveOptions,
} from '../events/queue.js';

/** SQS's batch limits: 10 entries, and (queues at the default MaximumMessageSize) 256 KiB in all. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

export class EventPublishError extends Error {}

export interface SqsEventQueueOptions {
  /** Sends of entries SQS refused for its own reasons (throttling, internal errors) before giving up. @default 3 */
  readonly sendAttempts?: number;
}

/**
 * The event stream on an SQS FIFO queue (ADR 0031): the message group is the event's object, so SQS keeps
 * one object's events in order and hands a group to one consumer at a time; the deduplication id is the
 * event id, so a relay that publishes again (after a crash, or two relays racing) adds nothing.
 */
export class SqsEventQueue implements EventQueue {
  private readonly sendAttempts: number;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: SqsEventQueueOptions = {},
  ) {
    this.sendAttempts = options.sendAttempts ?? 3;
  }

  /**
   * Sends the envelopes in order, in batches that hold at most one message per group: an entry that fails
   * is retried before any later message of its group is sent, and when it keeps failing nothing after it is
   * sent at all — the relay keeps the outbox rows and publishes them again.
   */
  async publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    for (const batch of batchesOf(envelopes)) await this.sendBatch(batch);
  }

  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const out = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = out.Failed ?? [];
      if (failed.length === 0) return;
      const refused = failed.find((f) => f.SenderFault);
      if (refused || attempt >= this.sendAttempts) {
        const f = refused ?? failed[0];
        throw new EventPublishError(
          `SQS did not accept ${failed.length} event(s) (first: ${f?.Id ?? '?'}: ${f?.Code ?? '?'} ` +
            `${f?.Message ?? ''}) after ${attempt} attempt(s)`,
        );
      }
      const retry = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => retry.has(e.Id));
    }
  }

  async receive(options: ReceiveOptions): Promise<ReceivedEvent[]> {
    try {
      const out = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(MAX_ENTRIES, options.maxMessages),
          WaitTimeSeconds: Math.min(20, options.waitSeconds),
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      return (out.Messages ?? []).map((m) => ({
        receiptHandle: m.ReceiptHandle ?? '',
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
        envelope: decodeEnvelope(m.Body),
      }));
    } catch (err) {
      if (options.signal?.aborted) return [];
      throw err;
    }
  }

  async delete(receiptHandles: readonly string[]): Promise<void> {
    for (let i = 0; i < receiptHandles.length; i += MAX_ENTRIES) {
      const chunk = receiptHandles.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((handle, n) => ({ Id: String(n), ReceiptHandle: handle })),
        }),
      );
      const failed = out.Failed ?? [];
      if (failed.length > 0) {
        // Not deleted means delivered again after the visibility timeout; consumers are idempotent.
        throw new EventPublishError(
          `SQS did not delete ${failed.length} message(s) (first: ${failed[0]?.Code ?? '?'})`,
        );
      }
    }
  }
}

/** The SendMessageBatch entries of the envelopes: in order, ≤10 and ≤256 KiB each, one message per group. */
export function batchesOf(envelopes: readonly EventEnvelope[]): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let batch: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  const groups = new Set<string>();
  for (const envelope of envelopes) {
    const group = messageGroupOf(envelope);
    const body = encodeEnvelope(envelope);
    const size = Buffer.byteLength(body);
    if (size > MAX_BATCH_BYTES) {
      throw new EventPublishError(
        `event ${envelope.event.id} is ${size} bytes; SQS takes at most ${MAX_BATCH_BYTES}`,
      );
    }
    if (batch.length === MAX_ENTRIES || groups.has(group) || bytes + size > MAX_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
      groups.clear();
    }
    batch.push({
      Id: String(batch.length),
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: envelope.event.id,
    });
    bytes += size;
    groups.add(group);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
