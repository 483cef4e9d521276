import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../src/app/merchants.js';
import { createCustomer } from '../src/app/customers.js';
import { loadConfig } from '../src/config.js';
import { PgliteDatabase } from '../src/db/pglite.js';
import { createEventQueue } from '../src/event-stream.js';
import { createLogger } from '../src/logger.js';
import { InMemoryFifoQueue } from '../src/queue/in-memory-fifo-queue.js';
import { SqsEventQueue } from '../src/queue/sqs-event-queue.js';
import { startRuntime } from '../src/runtime.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-event-stream-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the event stream in the running service', () => {
  it('runs on the embedded default: a change reaches the consumers and GET /v1/events', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '')) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const env = { DATA_DIR: dataDir, EVENTS_RELAY_INTERVAL_MS: '20', EVENTS_WORKER_WAIT_SECONDS: '5' };
    const config = loadConfig(env);
    expect(config.events.queue.kind).toBe('memory');
    const db = await PgliteDatabase.open(null);
    const runtime = await startRuntime(config, env, createLogger('info', sink), db);
    try {
      expect(runtime.events.queue).toBeInstanceOf(InMemoryFifoQueue);
      const { merchant } = await createMerchant(db, runtime.deps.keys, 'Stream', 'cli:test');
      const merchantId = merchant.id;
      const customer = await createCustomer(
        runtime.deps,
        { merchantId, actor: 'test' },
        { fields: { email: 'ada@example.com' }, metadata: {} },
      );
      const consumed = () =>
        lines.find(
          (l) => l.msg === 'event consumed' && l.objectId === customer.id && l.type === 'customer.created',
        );
      for (let i = 0; i < 1000 && !consumed(); i += 1) await sleep(10);
      expect(consumed()).toMatchObject({ merchantId, level: 30 });
      const { rows } = await db.query<{ type: string }>('SELECT type FROM events WHERE object_id = $1', [
        customer.id,
      ]);
      expect(rows).toEqual([{ type: 'customer.created' }]);
      expect((await db.query('SELECT 1 FROM outbox')).rowCount).toBe(0);
    } finally {
      await runtime.close();
    }
  }, 120_000); // migrates a PGlite database: slow on a loaded machine

  it('EVENTS_QUEUE_URL selects the SQS FIFO queue of its region; a bad value names the variable', () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/tessera-events.fifo';
    const config = loadConfig({ DATA_DIR: dataDir, EVENTS_QUEUE_URL: url });
    expect(config.events.queue).toEqual({ kind: 'sqs', url, region: 'eu-west-1' });
    expect(createEventQueue(config.events)).toBeInstanceOf(SqsEventQueue);
    expect(() =>
      loadConfig({ EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tessera-events' }),
    ).toThrow(/EVENTS_QUEUE_URL is ".*tessera-events"; expected an SQS FIFO queue URL/);
    expect(() => loadConfig({ EVENTS_RELAY_INTERVAL_MS: '5' })).toThrow(
      /EVENTS_RELAY_INTERVAL_MS is "5"; expected an integer from 10 to 60000/,
    );
    expect(() => loadConfig({ EVENTS_WORKER_WAIT_SECONDS: '30' })).toThrow(/EVENTS_WORKER_WAIT_SECONDS/);
  });

  it('polls the outbox every 250 ms on the embedded default, every second on a PostgreSQL server', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).events).toMatchObject({
      relayIntervalMs: 250,
      relayBatchSize: 100,
      relayLeaseSeconds: 30,
      workerWaitSeconds: 20,
      retentionIntervalSeconds: 3600,
      queue: { kind: 'memory', visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
    });
    expect(loadConfig({ PGHOST: 'db.internal' }).events.relayIntervalMs).toBe(1000);
  });
});
