import { EVENTS_API_VERSION } from '../store/outbox-store.js';
import {
  boolean,
  errors,
  GET_ERRORS,
  ID_ERRORS,
  idParam,
  integer,
  listOf,
  listParams,
  nullable,
  object,
  ok,
  params,
  ref,
  string,
} from './openapi.js';

/** GET /v1/events and /v1/events/{id} (ADR 0031). */
export function eventPaths() {
  return {
    '/v1/events': {
      get: {
        operationId: 'listEvents',
        summary: 'The events of the last 30 days, newest first',
        parameters: [
          ...listParams,
          {
            name: 'type',
            in: 'query',
            description: 'An event type, or a group of them with a trailing wildcard (charge.*)',
            schema: { type: 'string', pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$', maxLength: 100 },
          },
          {
            name: 'types[]',
            in: 'query',
            description: 'Up to 20 event types (not with type)',
            schema: {
              type: 'array',
              maxItems: 20,
              items: { type: 'string', pattern: '^[a-z_]+(\\.[a-z_]+)*$' },
            },
          },
          {
            name: 'created',
            in: 'query',
            schema: { anyOf: [integer, params({ gt: integer, gte: integer, lt: integer, lte: integer })] },
          },
        ],
        responses: { '200': ok(listOf('Event', '/v1/events')), ...errors(...GET_ERRORS, 404) },
      },
    },
    '/v1/events/{id}': {
      get: {
        operationId: 'retrieveEvent',
        parameters: [idParam('evt')],
        responses: { '200': ok(ref('Event')), ...errors(...GET_ERRORS, ...ID_ERRORS, 404) },
      },
    },
  };
}

export function eventSchemas() {
  return {
    Event: object({
      id: { type: 'string', pattern: '^evt_' },
      object: { const: 'event' },
      api_version: { const: EVENTS_API_VERSION },
      created: integer,
      data: {
        type: 'object',
        required: ['object'],
        additionalProperties: false,
        properties: {
          object: {
            oneOf: [
              ref('PaymentIntent'),
              ref('ChargeEventObject'),
              ref('Refund'),
              ref('Customer'),
              ref('PaymentMethod'),
              ref('SetupIntent'),
            ],
          },
          previous_attributes: {
            type: 'object',
            description: 'On *.updated events: the changed fields before',
          },
        },
      },
      livemode: { const: false },
      pending_webhooks: { type: 'integer', minimum: 0 },
      request: object({ id: nullable('string'), idempotency_key: nullable('string') }),
      type: string,
    }),
    /** The charge as the charge.* events carry it: a summary of the intent's latest charge. */
    ChargeEventObject: object({
      id: { type: 'string', pattern: '^ch_' },
      object: { const: 'charge' },
      amount: integer,
      amount_captured: integer,
      amount_refunded: integer,
      captured: boolean,
      currency: string,
      paid: boolean,
      payment_intent: { type: 'string', pattern: '^pi_' },
      payment_method: nullable('string'),
      payment_method_details: object({
        type: { const: 'card' },
        card: object({
          checks: object({
            address_line1_check: { type: 'null' },
            address_postal_code_check: { type: 'null' },
            cvc_check: { enum: ['pass', 'fail', 'unavailable', 'unchecked', null] },
          }),
        }),
      }),
      refunded: boolean,
      status: { enum: ['succeeded', 'failed'] },
      failure_code: nullable('string'),
    }),
  };
}
