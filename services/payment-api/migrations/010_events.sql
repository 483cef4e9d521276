-- Events (issue 13): what GET /v1/events lists, kept 30 days. The relay copies each outbox event here when it
-- publishes it; webhook delivery keeps pending_webhooks current. body is the Stripe event object without
-- pending_webhooks.
CREATE TABLE events (
  id               text PRIMARY KEY,
  merchant_id      text NOT NULL,
  type             text NOT NULL,
  object_id        text NOT NULL,
  created_at       timestamptz NOT NULL,
  body             jsonb NOT NULL,
  pending_webhooks integer NOT NULL DEFAULT 0 CHECK (pending_webhooks >= 0)
);
CREATE INDEX events_merchant_created ON events (merchant_id, created_at DESC, id DESC);
CREATE INDEX events_created ON events (created_at);
-- Write order: the outbox row (its seq) and the event's position in it. created is in whole seconds, so
-- lists sort by (created_at, outbox_seq, position): newest first, in the order the events were written.
ALTER TABLE events ADD COLUMN outbox_seq bigint NOT NULL, ADD COLUMN position integer NOT NULL;
DROP INDEX events_merchant_created;
CREATE INDEX events_merchant_created ON events (merchant_id, created_at DESC, outbox_seq DESC, position DESC);
CREATE INDEX events_merchant_type ON events (merchant_id, type, created_at DESC, outbox_seq DESC, position DESC);

-- The relay (ADR 0031) publishes outbox rows in seq order per object and prunes each row once published, so a
-- row in the outbox is an unpublished one. object_ids: the data.object ids of the row's events; a row is
-- claimed only when no older row for one of its objects remains. claimed_until: a claim's lease, after which
-- a relay that died mid-batch is taken over.
DROP INDEX outbox_unpublished;
ALTER TABLE outbox
  DROP COLUMN published_at,
  ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN object_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN claimed_until timestamptz;
CREATE UNIQUE INDEX outbox_seq ON outbox (seq);
CREATE INDEX outbox_object_ids ON outbox USING gin (object_ids);
