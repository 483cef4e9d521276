-- Webhook endpoints, their deliveries and every delivery attempt (issue 13, ADR 0033).
--
-- The signing secret is stored only encrypted (AES-256-GCM under a subkey of SERVICE_HMAC_KEY; iv, tag and
-- ciphertext in one bytea); after a roll the previous secret signs too until previous_secret_expires_at.
-- failing_since: when the endpoint's current run of failed attempts began (null after a success).
CREATE TABLE webhook_endpoints (
  id                         text PRIMARY KEY,
  merchant_id                text NOT NULL REFERENCES merchants (id),
  url                        text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  enabled_events             text[] NOT NULL CHECK (cardinality(enabled_events) > 0),
  description                text,
  metadata                   jsonb NOT NULL DEFAULT '{}'::jsonb,
  api_version                text,
  status                     text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  secret_sealed              bytea NOT NULL,
  previous_secret_sealed     bytea,
  previous_secret_expires_at timestamptz,
  failing_since              timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT clock_timestamp(),
  deleted_at                 timestamptz,
  CHECK ((previous_secret_sealed IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;

-- One delivery per (event, endpoint): the dispatcher's input is at least once, the insert is idempotent.
-- seq is the order the events were consumed in (the relay keeps one object's events in order), so one
-- endpoint gets one object's events in that order: a delivery waits while an earlier one of its endpoint
-- and object is pending. next_attempt_at is also the claim's lease while an attempt is in flight.
CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  merchant_id     text NOT NULL REFERENCES merchants (id),
  endpoint_id     text NOT NULL REFERENCES webhook_endpoints (id),
  event_id        text NOT NULL,
  event_type      text NOT NULL,
  object_id       text NOT NULL,
  event           jsonb NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'abandoned')),
  attempt_count   integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (event_id, endpoint_id),
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_object ON webhook_deliveries (endpoint_id, object_id, seq)
  WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Every attempt: HTTP status or the error, latency, and at most 1 KB of the response body.
CREATE TABLE webhook_attempts (
  delivery_id   text NOT NULL REFERENCES webhook_deliveries (id),
  attempt       integer NOT NULL CHECK (attempt >= 1),
  attempted_at  timestamptz NOT NULL,
  http_status   integer,
  error         text,
  latency_ms    integer NOT NULL CHECK (latency_ms >= 0),
  response_body text CHECK (octet_length(response_body) <= 1024),
  PRIMARY KEY (delivery_id, attempt),
  CHECK ((http_status IS NULL) <> (error IS NULL))
);
