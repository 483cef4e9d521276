import type { StripeEvent } from '../events/event.js';
import { findEvent, listEvents, type EventFilter, type StoredEvent } from '../store/event-store.js';
import type { Page } from '../store/keyset-page.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';

/** Stripe's event object: the stored event with its live `pending_webhooks`. */
export function eventObject({
  event,
  pendingWebhooks,
}: StoredEvent): StripeEvent & { pending_webhooks: number } {
  return { ...event, pending_webhooks: pendingWebhooks };
}

export async function getEvent(deps: Deps, merchantId: string, id: string): Promise<StoredEvent> {
  return found(await findEvent(deps.db, merchantId, id), 'event', id, 'id');
}

export async function listEventsOf(deps: Deps, merchantId: string, page: Page, filter: EventFilter) {
  return foundPage(await listEvents(deps.db, merchantId, page, filter), 'event', page);
}
