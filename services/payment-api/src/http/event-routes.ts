import type { FastifyInstance } from 'fastify';
import type { Deps } from '../app/deps.js';
import { eventObject, getEvent, listEventsOf } from '../app/events.js';
import { listObject } from '../app/serialize.js';
import type { EventFilter } from '../store/event-store.js';
import { invalidRequest } from './errors.js';
import { createdRange, pageOf, Params } from './params.js';
import { ctxOf, pathId } from './routes.js';

/** An event type (`charge.refund.updated`) … */
const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)*$/;
/** … or, for `type`, a group of them with a trailing wildcard (`charge.*`). */
const EVENT_TYPE_OR_GROUP = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/;

/** GET /v1/events filters: `type` (exact or `prefix.*`) or `types[]` (up to 20 exact), and `created`. */
function eventFilter(p: Params): EventFilter {
  const type = p.string('type', { maxLength: 100, pattern: EVENT_TYPE_OR_GROUP });
  const types = p.strings('types', {
    maxItems: 20,
    check: (item) =>
      item.length <= 100 && EVENT_TYPE.test(item)
        ? null
        : `Invalid types: ${JSON.stringify(item).slice(0, 80)} is not an event type.`,
  });
  if (type !== null && types !== null) {
    throw invalidRequest('You may pass either type or types, but not both.', 'types', 'parameters_exclusive');
  }
  const created = createdRange(p);
  if (type?.endsWith('.*')) return { types: [], typePrefixes: [type.slice(0, -1)], created };
  return { types: type !== null ? [type] : (types ?? []), typePrefixes: [], created };
}

/** The merchant's events of the last 30 days (ADR 0031). */
export function registerEventRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/v1/events', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const filter = eventFilter(p);
    p.done();
    const { items, hasMore } = await listEventsOf(deps, ctxOf(req).merchantId, page, filter);
    return listObject('/v1/events', items.map(eventObject), hasMore);
  });

  app.get('/v1/events/:id', async (req) => {
    new Params(req.query).done();
    return eventObject(await getEvent(deps, ctxOf(req).merchantId, pathId(req)));
  });
}
