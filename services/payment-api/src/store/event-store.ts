import type { Queryable } from '../db/database.js';
import { toNumber } from '../db/database.js';
import type { StripeEvent } from '../events/event.js';
import type { CreatedRange, Page, PageOf } from './keyset-page.js';

/** Stripe keeps events 30 days; so does GET /v1/events. */
export const EVENT_RETENTION_DAYS = 30;

/** An event as the API shows it: the stored object and its live pending_webhooks. */
export interface StoredEvent {
  readonly event: StripeEvent;
  readonly pendingWebhooks: number;
}

/** GET /v1/events filters: exact types and type prefixes (`charge.*` → `charge.`), either matching. */
export interface EventFilter {
  readonly types: readonly string[];
  readonly typePrefixes: readonly string[];
  readonly created: CreatedRange;
}

const fromRow = (row: { body: StripeEvent; pending_webhooks: unknown }): StoredEvent => ({
  event: row.body,
  pendingWebhooks: toNumber(row.pending_webhooks),
});

export async function findEvent(db: Queryable, merchantId: string, id: string): Promise<StoredEvent | null> {
  const { rows } = await db.query<{ body: StripeEvent; pending_webhooks: unknown }>(
    'SELECT body, pending_webhooks FROM events WHERE id = $1 AND merchant_id = $2',
    [id, merchantId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Same comparisons as the other lists' `created` (keyset-page.ts): whole seconds. */
const CREATED_BOUNDS = { gt: ['>=', 1], gte: ['>=', 0], lt: ['<', 0], lte: ['<', 1] } as const;

/**
 * One page of a merchant's events, newest first (keyset over created_at and the write order); null when the cursor is not
 * one of the merchant's events. Type filters are bound parameters: exact types with `= ANY`, prefixes with
 * `starts_with` (no LIKE, so `_` and `%` in input mean nothing).
 */
export async function listEvents(
  db: Queryable,
  merchantId: string,
  page: Page,
  filter: EventFilter,
): Promise<PageOf<StoredEvent> | null> {
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor && !(await findEvent(db, merchantId, cursor))) return null;
  const before = page.endingBefore !== null && page.startingAfter === null;
  const params: unknown[] = [merchantId, page.limit + 1];
  const where: string[] = [];
  if (cursor) {
    params.push(cursor);
    where.push(
      `AND (created_at, outbox_seq, position) ${before ? '>' : '<'} (SELECT created_at, outbox_seq, position ` +
        `FROM events WHERE id = $${params.length} AND merchant_id = $1)`,
    );
  }
  if (filter.types.length > 0 || filter.typePrefixes.length > 0) {
    params.push(filter.types, filter.typePrefixes);
    const [t, p] = [params.length - 1, params.length];
    where.push(
      `AND (type = ANY($${t}::text[]) OR EXISTS (SELECT 1 FROM unnest($${p}::text[]) AS x(prefix) ` +
        'WHERE starts_with(type, x.prefix)))',
    );
  }
  for (const [bound, [op, shift]] of Object.entries(CREATED_BOUNDS)) {
    const value = filter.created[bound as keyof CreatedRange];
    if (value === undefined) continue;
    params.push(value + shift);
    where.push(`AND created_at ${op} to_timestamp($${params.length})`);
  }
  const order = before ? 'ASC' : 'DESC';
  const { rows } = await db.query<{ body: StripeEvent; pending_webhooks: unknown }>(
    `SELECT body, pending_webhooks FROM events
      WHERE merchant_id = $1 ${where.join(' ')}
      ORDER BY created_at ${order}, outbox_seq ${order}, position ${order}
      LIMIT $2`,
    params,
  );
  const pageRows = rows.slice(0, page.limit);
  return { items: (before ? pageRows.reverse() : pageRows).map(fromRow), hasMore: rows.length > page.limit };
}

/** Deletes events older than the retention; the number deleted. */
export async function deleteExpiredEvents(db: Queryable, days = EVENT_RETENTION_DAYS): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM events WHERE created_at < clock_timestamp() - make_interval(days => $1)',
    [days],
  );
  return rowCount;
}
