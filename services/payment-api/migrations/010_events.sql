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
