import type { EventEnvelope } from '../../src/events/event.js';
import { EVENTS_API_VERSION } from '../../src/store/outbox-store.js';

let counter = 0;

/** An envelope of one event about `objectId` (ids unique per call unless given). */
export function envelope(objectId: string, type = 'customer.updated', id?: string): EventEnvelope {
  counter += 1;
  return {
    merchantId: 'acct_test',
    event: {
      id: id ?? `evt_test${counter}`,
      object: 'event',
      api_version: EVENTS_API_VERSION,
      created: 1_700_000_000,
      livemode: false,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: { id: objectId, object: 'customer' } },
    },
  };
}
