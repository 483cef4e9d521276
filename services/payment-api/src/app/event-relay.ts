import type { Database } from '../db/database.js';
import type { EventPublisher } from '../events/queue.js';
import { claimOutbox, pruneOutbox } from '../store/event-relay-store.js';

export interface EventRelayOptions {
  /** Outbox rows per claim. */
  readonly batchSize: number;
  /** How long a claim is held; a relay that dies mid-batch is taken over after it. Longer than a publish. */
  readonly leaseSeconds: number;
  /** Claims per run at most, so a run ends (and a shutdown waits little) however full the outbox. @default 50 */
  readonly maxBatchesPerRun?: number;
}

/**
 * The outbox relay (ADR 0031): claims outbox rows in batches, records their events for GET /v1/events,
 * publishes them, then prunes the rows. Every step is repeatable, so a relay killed anywhere loses nothing:
 * the rows stay until published and are claimed again when the lease runs out; what was published twice is
 * dropped by the queue's deduplication on the event id.
 */
export class EventRelay {
  constructor(
    private readonly db: Database,
    private readonly publisher: EventPublisher,
    private readonly options: EventRelayOptions,
  ) {}

  /** Relays until the outbox has nothing claimable (or the run's batch limit); the number of events published. */
  async runOnce(): Promise<number> {
    let published = 0;
    const maxBatches = this.options.maxBatchesPerRun ?? 50;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const rows = await claimOutbox(this.db, this.options.batchSize, this.options.leaseSeconds);
      if (rows.length === 0) break;
      const envelopes = rows.flatMap((row) =>
        row.events.map((event) => ({ merchantId: row.merchantId, event })),
      );
      await this.publisher.publish(envelopes);
      await pruneOutbox(
        this.db,
        rows.map((r) => r.seq),
      );
      published += envelopes.length;
    }
    return published;
  }
}
