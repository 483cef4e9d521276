import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../src/events/queue.js';
import { EventPublishError, SqsEventQueue } from '../../src/queue/sqs-event-queue.js';
import { envelope } from '../support/events.js';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/tessera-events.fifo';
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const queue = () => new SqsEventQueue(new SQSClient({ region: 'eu-west-1' }), URL);
const sentBatches = () => sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
const eventIds = (entries: SendMessageBatchRequestEntry[]) =>
  entries.map((e) => decodeEnvelope(e.MessageBody)?.event.id);

describe('SqsEventQueue', () => {
  it('sends FIFO batches: group = object, deduplication id = event id, body = the envelope', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const events = Array.from({ length: 12 }, (_, i) => envelope(`cus_${i}`));
    await queue().publish(events);
    const batches = sentBatches();
    expect(batches.map((b) => b.length)).toEqual([10, 2]);
    const first = batches[0]?.[0];
    expect(first?.MessageGroupId).toBe('cus_0');
    expect(first?.MessageDeduplicationId).toBe(events[0]?.event.id);
    expect(decodeEnvelope(first?.MessageBody)).toEqual(events[0]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(URL);
  });

  it('puts one message per group in a batch, so a later event of an object is sent after the earlier one', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const [a1, b1, a2, c1] = [envelope('cus_a'), envelope('cus_b'), envelope('cus_a'), envelope('cus_c')];
    await queue().publish([a1, b1, a2, c1]);
    expect(sentBatches().map(eventIds)).toEqual([
      [a1.event.id, b1.event.id],
      [a2.event.id, c1.event.id],
    ]);
  });

  it('retries the entries SQS failed, and throws before sending later batches when they keep failing', async () => {
    const [a1, b1, a2] = [envelope('cus_a'), envelope('cus_b'), envelope('cus_a')];
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });
    await queue().publish([a1, b1, a2]);
    expect(sentBatches().map(eventIds)).toEqual([[a1.event.id, b1.event.id], [b1.event.id], [a2.event.id]]);

    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'ServiceUnavailable', SenderFault: false }] });
    await expect(queue().publish([a1, b1, a2])).rejects.toThrow(EventPublishError);
    // three attempts of the first batch; a2 (after a1 in its group) was never sent
    expect(sentBatches().map(eventIds)).toEqual([[a1.event.id, b1.event.id], [a1.event.id], [a1.event.id]]);
  });

  it('does not retry an entry SQS refuses as the sender’s fault', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true, Message: 'bad group' }],
    });
    await expect(queue().publish([envelope('cus_a')])).rejects.toThrow(/InvalidParameterValue bad group/);
    expect(sentBatches()).toHaveLength(1);
  });

  it('receives with long polling and the receive count, and deletes in batches of 10', async () => {
    const event = envelope('cus_a');
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { ReceiptHandle: 'rh-1', Body: JSON.stringify(event), Attributes: { ApproximateReceiveCount: '2' } },
        { ReceiptHandle: 'rh-2', Body: 'not json' },
      ],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const received = await queue().receive({ maxMessages: 25, waitSeconds: 20 });
    expect(received).toEqual([
      { receiptHandle: 'rh-1', receiveCount: 2, envelope: event },
      { receiptHandle: 'rh-2', receiveCount: 1, envelope: null },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    await queue().delete(Array.from({ length: 12 }, (_, i) => `rh-${i}`));
    const deletes = sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(deletes.map((d) => d.length)).toEqual([10, 2]);
    expect(deletes[1]?.map((d) => d.ReceiptHandle)).toEqual(['rh-10', 'rh-11']);
  });

  it('reports a delete SQS failed', async () => {
    sqs
      .on(DeleteMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] });
    await expect(queue().delete(['rh-1'])).rejects.toThrow(/ReceiptHandleIsInvalid/);
  });
});
