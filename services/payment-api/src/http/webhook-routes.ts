import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Rendered, RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { listObject } from '../app/serialize.js';
import {
  deletedWebhookEndpointObject,
  webhookDeliveryObject,
  webhookEndpointObject,
} from '../app/serialize-webhooks.js';
import {
  changeWebhookEndpoint,
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  removeWebhookEndpoint,
  rollWebhookEndpointSecret,
  type EndpointWithSecret,
} from '../app/webhook-endpoints.js';
import { ALL_EVENTS, EVENT_TYPES, isEventType } from '../domain/event-types.js';
import { checkWebhookUrl } from '../domain/webhook-url.js';
import type { WebhookEndpointRecord } from '../store/webhook-endpoint-store.js';
import type { Idem } from './customer-routes.js';
import { pageOf, Params } from './params.js';

const pathId = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Stripe's api_version format (2023-08-16, or a dated preview such as 2024-09-30.acacia). */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
const MAX_ENABLED_EVENTS = EVENT_TYPES.length + 1;
/** How long a rolled secret may keep signing: Stripe's dashboard offers up to 7 days. */
const MAX_PREVIOUS_SECRET_SECONDS = 7 * 24 * 3600;

function enabledEventsParam(p: Params, required: boolean): string[] | null {
  const events = p.strings('enabled_events', {
    required,
    maxItems: MAX_ENABLED_EVENTS,
    check: (item) =>
      item === ALL_EVENTS || isEventType(item)
        ? null
        : `Invalid event type: ${item.slice(0, 100)}. See docs/payment-api.md for the event types this API emits, or use '*'.`,
  });
  return events === null ? null : [...new Set(events)];
}

function urlParam(p: Params, deps: Deps, required: boolean): string | null {
  const raw = required
    ? p.string('url', { required: true, maxLength: 2048 })
    : p.string('url', { maxLength: 2048 });
  if (raw !== null) checkWebhookUrl(raw, deps.webhookUrlPolicy);
  return raw;
}

/** The endpoint with its secret, answered once; a replay of the request answers it without the secret. */
const withSecret = (r: EndpointWithSecret): Rendered => ({
  status: 200,
  body: webhookEndpointObject(r.endpoint, r.secret),
  replay: webhookEndpointObject(r.endpoint),
});
const ok =
  <T>(present: (r: T) => unknown) =>
  (r: T): Rendered => ({ status: 200, body: present(r) });

/** Webhook endpoints (Stripe's API), secret rolling and delivery attempts (Tessera extensions), ADR 0033. */
export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: Deps,
  ctxOf: (req: FastifyRequest) => RequestContext,
  idem: Idem,
): void {
  app.post('/v1/webhook_endpoints', async (req, reply) => {
    const p = new Params(req.body);
    const url = urlParam(p, deps, true) as string;
    const enabledEvents = enabledEventsParam(p, true) as string[];
    const description = p.string('description', { maxLength: 5000 });
    const metadata = p.metadata();
    const apiVersion = p.string('api_version', { maxLength: 40, pattern: API_VERSION });
    p.done();
    return idem<EndpointWithSecret>(
      req,
      reply,
      (hook) =>
        createWebhookEndpoint(
          deps,
          ctxOf(req),
          { url, enabledEvents, description, metadata, apiVersion },
          hook,
        ),
      withSecret,
    );
  });

  app.get('/v1/webhook_endpoints', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    p.done();
    const { items, hasMore } = await listWebhookEndpoints(deps, ctxOf(req).merchantId, page);
    return listObject(
      '/v1/webhook_endpoints',
      items.map((e) => webhookEndpointObject(e)),
      hasMore,
    );
  });

  app.get('/v1/webhook_endpoints/:id', async (req) => {
    new Params(req.query).done();
    return webhookEndpointObject(await getWebhookEndpoint(deps, ctxOf(req).merchantId, pathId(req)));
  });

  app.post('/v1/webhook_endpoints/:id', async (req, reply) => {
    const p = new Params(req.body);
    const url = urlParam(p, deps, false);
    const enabledEvents = enabledEventsParam(p, false);
    const disabled = p.has('disabled') ? p.boolean('disabled', false) : null;
    const description = p.has('description') ? p.string('description', { maxLength: 5000 }) : undefined;
    const metadata = p.metadata();
    p.done();
    const fields = {
      ...(url === null ? {} : { url }),
      ...(enabledEvents === null ? {} : { enabledEvents }),
      ...(description === undefined ? {} : { description }),
      ...(disabled === null ? {} : { status: disabled ? ('disabled' as const) : ('enabled' as const) }),
    };
    return idem<WebhookEndpointRecord>(
      req,
      reply,
      (hook) => changeWebhookEndpoint(deps, ctxOf(req), pathId(req), { fields, metadata }, hook),
      ok((e) => webhookEndpointObject(e)),
    );
  });

  app.delete('/v1/webhook_endpoints/:id', async (req, reply) => {
    new Params(req.query).done();
    return idem<{ id: string }>(
      req,
      reply,
      (hook) => removeWebhookEndpoint(deps, ctxOf(req), pathId(req), hook),
      ok((r) => deletedWebhookEndpointObject(r.id)),
    );
  });

  // Tessera extension: Stripe rolls a secret in its dashboard only.
  app.post('/v1/webhook_endpoints/:id/roll_secret', async (req, reply) => {
    const p = new Params(req.body);
    const expiresIn =
      p.integer('previous_secret_expires_in', { min: 0, max: MAX_PREVIOUS_SECRET_SECONDS }) ?? 0;
    p.done();
    return idem<EndpointWithSecret>(
      req,
      reply,
      (hook) => rollWebhookEndpointSecret(deps, ctxOf(req), pathId(req), expiresIn, hook),
      withSecret,
    );
  });

  // Tessera extension: the deliveries of an endpoint with every attempt.
  app.get('/v1/webhook_endpoints/:id/deliveries', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    p.done();
    const id = pathId(req);
    const { items, hasMore, attempts } = await listWebhookDeliveries(deps, ctxOf(req).merchantId, id, page);
    return listObject(
      `/v1/webhook_endpoints/${id}/deliveries`,
      items.map((d) =>
        webhookDeliveryObject(
          d,
          attempts.filter((a) => a.deliveryId === d.id),
        ),
      ),
      hasMore,
    );
  });
}
