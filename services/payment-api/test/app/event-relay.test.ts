import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventRelay } from '../../src/app/event-relay.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { PgliteDatabase } from '../../src/db/pglite.js';
import type { EventEnvelope } from '../../src/events/event.js';
import type { EventPublisher } from '../../src/events/queue.js';
import { InMemoryFifoQueue } from '../../src/queue/in-memory-fifo-queue.js';
import { outboxBacklog } from '../../src/store/event-relay-store.js';
import { appendEvents, SERVICE_REQUEST } from '../../src/store/outbox-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Writes `perObject` transactions for each of `objects` objects, interleaved; each transaction one event. */
async function writeEvents(db: Database, objects: number, perObject: number): Promise<void> {
  for (let n = 0; n < perObject; n += 1) {
    for (let o = 0; o < objects; o += 1) {
      await db.transaction((tx) =>
        appendEvents(
          tx,
          'acct_relay',
          [{ type: 'customer.updated', object: { id: `cus_${o}`, object: 'customer', version: n } }],
          SERVICE_REQUEST,
        ),
      );
    }
  }
}

/** Every message the queue holds, received and acknowledged: the envelopes in delivery order. */
async function drain(queue: InMemoryFifoQueue): Promise<EventEnvelope[]> {
  const all: EventEnvelope[] = [];
  for (;;) {
    const batch = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (batch.length === 0) return all;
    all.push(...batch.flatMap((m) => (m.envelope ? [m.envelope] : [])));
    await queue.delete(batch.map((m) => m.receiptHandle));
  }
}

/** Delivery order per object: the `version` sequence each object's events arrived in. */
function versionsByObject(envelopes: readonly EventEnvelope[]): Map<string, unknown[]> {
  const byObject = new Map<string, unknown[]>();
  for (const { event } of envelopes) {
    const list = byObject.get(event.data.object.id) ?? [];
    list.push(event.data.object.version);
    byObject.set(event.data.object.id, list);
  }
  return byObject;
}

const fifo = () => new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });

/** Publishes to the queue after a pause, so that relays running side by side interleave. */
const slowly = (queue: EventPublisher, ms: () => number): EventPublisher => ({
  async publish(envelopes) {
    await sleep(ms());
    await queue.publish(envelopes);
  },
});

describe('event relay on PostgreSQL', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(12);
    await migrate(test.db);
  });
  afterAll(async () => test?.drop());
  beforeEach(async () => {
    await test.db.query('TRUNCATE outbox, events');
  });

  it('publishes every event, records it for the API and prunes the outbox', async () => {
    await writeEvents(test.db, 3, 2);
    const queue = fifo();
    const relay = new EventRelay(test.db, queue, { batchSize: 2, leaseSeconds: 30 });
    expect(await relay.runOnce()).toBe(6);
    expect(await outboxBacklog(test.db)).toBe(0);
    const delivered = await drain(queue);
    expect(delivered).toHaveLength(6);
    const { rows } = await test.db.query<{ id: string; object_id: string; body: { type: string } }>(
      'SELECT id, object_id, body FROM events ORDER BY id',
    );
    expect(rows.map((r) => r.id).sort()).toEqual(delivered.map((e) => e.event.id).sort());
    expect(rows[0]?.body.type).toBe('customer.updated');
    expect(await relay.runOnce()).toBe(0);
  });

  it('killed mid-batch, a restarted relay delivers every event at least once and loses none', async () => {
    await writeEvents(test.db, 4, 5);
    const written = await test.db.query<{ id: string }>(
      "SELECT e->>'id' AS id FROM outbox, jsonb_array_elements(events) AS e",
    );
    const queue = fifo();
    // The process dies after the queue took 3 events of the first batch, before the rows were pruned.
    let accepted = 0;
    const dying: EventPublisher = {
      async publish(envelopes) {
        for (const e of envelopes) {
          if (accepted === 3) throw new Error('killed');
          await queue.publish([e]);
          accepted += 1;
        }
      },
    };
    await expect(
      new EventRelay(test.db, dying, { batchSize: 8, leaseSeconds: 0.3 }).runOnce(),
    ).rejects.toThrow('killed');
    expect(await outboxBacklog(test.db)).toBe(20);

    // The restarted relay takes the dead one's rows over once its lease ran out.
    const restarted = new EventRelay(test.db, queue, { batchSize: 8, leaseSeconds: 30 });
    let published = 0;
    for (let i = 0; i < 100 && (await outboxBacklog(test.db)) > 0; i += 1) {
      published += await restarted.runOnce();
      await sleep(50);
    }
    expect(await outboxBacklog(test.db)).toBe(0);
    expect(published).toBe(20); // the three already sent were sent again …
    const delivered = await drain(queue);
    // … and the queue's deduplication dropped them: every event once, none lost, each object in order
    expect(delivered.map((e) => e.event.id).sort()).toEqual(written.rows.map((r) => r.id).sort());
    for (const versions of versionsByObject(delivered).values()) expect(versions).toEqual([0, 1, 2, 3, 4]);
    const recorded = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(recorded.rows[0]?.n).toBe(20);
  });

  it('two relays in parallel deliver each event once, every object in order', async () => {
    await writeEvents(test.db, 3, 16);
    const queue = fifo();
    let seed = 7;
    const jitter = () => (seed = (seed * 48271) % 2147483647) % 15;
    // A short lease makes the relays also take over each other's claims: SQS deduplication absorbs the repeats.
    const relays = [1, 2].map(
      () => new EventRelay(test.db, slowly(queue, jitter), { batchSize: 2, leaseSeconds: 0.01 }),
    );
    await Promise.all(
      relays.map(async (relay) => {
        for (let i = 0; i < 200 && (await outboxBacklog(test.db)) > 0; i += 1) await relay.runOnce();
      }),
    );
    expect(await outboxBacklog(test.db)).toBe(0);
    const delivered = await drain(queue);
    expect(delivered).toHaveLength(48);
    expect(new Set(delivered.map((e) => e.event.id)).size).toBe(48);
    const versions = versionsByObject(delivered);
    expect(versions.size).toBe(3);
    for (const list of versions.values()) expect(list).toEqual([...Array(16).keys()]);
  });

  it('never claims a row while an older row of one of its objects is unpublished', async () => {
    await writeEvents(test.db, 1, 2);
    const queue = fifo();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const blocking: EventPublisher = {
      async publish(envelopes) {
        await held;
        await queue.publish(envelopes);
      },
    };
    const first = new EventRelay(test.db, blocking, { batchSize: 1, leaseSeconds: 30 }).runOnce();
    while ((await test.db.query('SELECT 1 FROM outbox WHERE claimed_until IS NOT NULL')).rowCount === 0) {
      await sleep(5);
    }
    // cus_0's second event waits for its first, which the other relay holds
    expect(await new EventRelay(test.db, queue, { batchSize: 10, leaseSeconds: 30 }).runOnce()).toBe(0);
    release();
    expect(await first).toBe(2);
    expect(versionsByObject(await drain(queue)).get('cus_0')).toEqual([0, 1]);
  });
});

describe('event relay on the embedded default (PGlite)', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open(null);
    await migrate(db);
  });
  afterAll(async () => db?.close());

  it('publishes in order per object and records the events', async () => {
    await writeEvents(db, 2, 3);
    const queue = fifo();
    const relay = new EventRelay(db, queue, { batchSize: 10, leaseSeconds: 30 });
    expect(await relay.runOnce()).toBe(6);
    const delivered = await drain(queue);
    for (const list of versionsByObject(delivered).values()) expect(list).toEqual([0, 1, 2]);
    expect(await outboxBacklog(db)).toBe(0);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]?.n).toBe(6);
  });
});
