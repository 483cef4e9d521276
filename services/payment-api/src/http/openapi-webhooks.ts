import { ALL_EVENTS, EVENT_TYPES } from '../domain/event-types.js';
import {
  API_ERRORS,
  body,
  boolean,
  errors,
  GET_ERRORS,
  ID_ERRORS,
  idempotencyKey,
  idParam,
  identity,
  integer,
  listOf,
  listParams,
  metadata,
  nullable,
  object,
  ok,
  params,
  POST_ERRORS,
  ref,
  string,
} from './openapi.js';

/**
 * The OpenAPI paths and schemas of webhook endpoints (Stripe's API) and of the Tessera extensions for them:
 * secret rolling and the deliveries with their attempts (issue 13, ADR 0033).
 */
const enabledEvents = () => ({
  type: 'array',
  minItems: 1,
  items: { enum: [ALL_EVENTS, ...EVENT_TYPES] },
  description: "The event types to send, or ['*'] for all (docs/payment-api.md lists them).",
});
const url = () => ({
  type: 'string',
  format: 'uri',
  maxLength: 2048,
  description:
    'https only (http to loopback where WEBHOOK_ALLOW_LOOPBACK_HTTP allows it); never a private, link-local, ' +
    'metadata, CGNAT or unspecified address, checked again on the resolved addresses at each delivery.',
});
/** Module values of openapi.ts are read when the document is built (the modules import each other). */
const endpointFields = () => ({
  ...identity('we', 'webhook_endpoint'),
  api_version: nullable('string'),
  application: { type: 'null' },
  created: integer,
  description: nullable('string'),
  enabled_events: { type: 'array', items: string },
  livemode: { const: false },
  metadata,
});
const endpointState = () => ({ status: { enum: ['enabled', 'disabled'] }, url: string });

const post = (
  operationId: string,
  withId: boolean,
  request: unknown,
  result: unknown,
  description?: string,
) => ({
  operationId,
  ...(description ? { description } : {}),
  parameters: withId ? [idParam('we'), idempotencyKey] : [idempotencyKey],
  requestBody: body(request, !withId),
  responses: { '200': ok(result), ...errors(...POST_ERRORS, ...(withId ? [...ID_ERRORS, 404] : [])) },
});
const get = (operationId: string, withId: boolean, result: unknown, description?: string) => ({
  operationId,
  ...(description ? { description } : {}),
  parameters: withId ? [idParam('we'), ...(description ? listParams : [])] : listParams,
  responses: { '200': ok(result), ...errors(...GET_ERRORS, 404, ...(withId ? ID_ERRORS : [])) },
});

export function webhookPaths() {
  return {
    '/v1/webhook_endpoints': {
      post: post(
        'createWebhookEndpoint',
        false,
        params(
          {
            url: url(),
            enabled_events: enabledEvents(),
            description: { type: 'string', maxLength: 5000 },
            metadata,
            api_version: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(\\.[a-z]+)?$' },
          },
          ['url', 'enabled_events'],
        ),
        ref('WebhookEndpointWithSecret'),
        'The signing secret is answered here once (a replay of the request answers the endpoint without it).',
      ),
      get: get('listWebhookEndpoints', false, listOf('WebhookEndpoint', '/v1/webhook_endpoints')),
    },
    '/v1/webhook_endpoints/{id}': {
      get: { ...get('retrieveWebhookEndpoint', true, ref('WebhookEndpoint')), parameters: [idParam('we')] },
      post: post(
        'updateWebhookEndpoint',
        true,
        params({
          url: url(),
          enabled_events: enabledEvents(),
          disabled: boolean,
          description: { type: 'string', maxLength: 5000 },
          metadata,
        }),
        ref('WebhookEndpoint'),
        'disabled=true abandons the pending deliveries; disabled=false enables the endpoint again.',
      ),
      delete: {
        operationId: 'deleteWebhookEndpoint',
        parameters: [idParam('we'), idempotencyKey],
        responses: {
          '200': ok(ref('DeletedWebhookEndpoint')),
          ...errors(...API_ERRORS, ...ID_ERRORS, 404, 409),
        },
      },
    },
    '/v1/webhook_endpoints/{id}/roll_secret': {
      post: post(
        'rollWebhookEndpointSecret',
        true,
        params({ previous_secret_expires_in: { type: 'integer', minimum: 0, maximum: 604800, default: 0 } }),
        ref('WebhookEndpointWithSecret'),
        'Tessera extension (Stripe rolls secrets in its dashboard): a new signing secret, answered once. ' +
          'For previous_secret_expires_in seconds the old secret signs too (two v1= in Stripe-Signature).',
      ),
    },
    '/v1/webhook_endpoints/{id}/deliveries': {
      get: get(
        'listWebhookDeliveries',
        true,
        ref('WebhookDeliveryList'),
        'Tessera extension: the deliveries of events to this endpoint, newest first, with every attempt.',
      ),
    },
  };
}

export function webhookSchemas() {
  return {
    WebhookEndpoint: object({ ...endpointFields(), ...endpointState() }),
    WebhookEndpointWithSecret: object({
      ...endpointFields(),
      secret: { type: 'string', pattern: '^whsec_' },
      ...endpointState(),
    }),
    DeletedWebhookEndpoint: object({ ...identity('we', 'webhook_endpoint'), deleted: { const: true } }),
    WebhookDelivery: object({
      ...identity('whdl', 'webhook_delivery'),
      created: integer,
      event: { type: 'string', pattern: '^evt_' },
      event_type: string,
      webhook_endpoint: { type: 'string', pattern: '^we_' },
      status: { enum: ['pending', 'succeeded', 'abandoned'] },
      attempt_count: integer,
      next_attempt: nullable('integer'),
      attempts: {
        type: 'array',
        items: object({
          attempted_at: integer,
          http_status: nullable('integer'),
          error: nullable('string'),
          latency_ms: integer,
          response_body: nullable('string'),
        }),
      },
    }),
    WebhookDeliveryList: object({
      object: { const: 'list' },
      data: { type: 'array', items: ref('WebhookDelivery') },
      has_more: boolean,
      url: { type: 'string', pattern: '^/v1/webhook_endpoints/we_[0-9A-Za-z]+/deliveries$' },
    }),
  };
}
