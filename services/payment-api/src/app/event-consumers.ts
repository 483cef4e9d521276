import type { Logger } from 'pino';
import type { EventConsumer } from '../events/event.js';
import type { Deps } from './deps.js';

export interface EventConsumerSettings {
  readonly logger: Logger;
  /** Log every consumed event at info (the embedded default, so `npm start` shows the stream), else debug. */
  readonly logEvents: 'info' | 'debug';
}

/**
 * Every consumer of the event stream, in the order each envelope is handed to them. The one list the
 * runtime starts the workers with: a new consumer (webhook delivery, settlement) is one entry here, built
 * from `deps` (the database, keys and adapters of the service).
 */
export function eventConsumers(deps: Deps, settings: EventConsumerSettings): EventConsumer[] {
  return [eventLog(settings)];
}

/** Logs each event as it is consumed: type, id, object and merchant — never the object's contents. */
function eventLog({ logger, logEvents }: EventConsumerSettings): EventConsumer {
  return {
    name: 'event-log',
    consume({ merchantId, event }) {
      logger[logEvents](
        { merchantId, eventId: event.id, type: event.type, objectId: event.data.object.id },
        'event consumed',
      );
      return Promise.resolve();
    },
  };
}
