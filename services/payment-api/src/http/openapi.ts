import { REFUND_REASONS } from '../app/refunds.js';
import { CANCELLATION_REASONS, MAX_AMOUNT, PAYMENT_INTENT_STATUSES } from '../domain/payment-intent.js';

/**
 * OpenAPI 3.1 description of the routes this service serves, kept next to routes.ts. Response schemas list
 * every field with `required` and `additionalProperties: false`, so test/api/openapi.test.ts, which checks
 * the real responses of every operation against them, fails when a response drifts from this document.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const nullable = (type: string) => ({ type: [type, 'null'] });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/Error${c}` }]));

/** An object whose properties are all present in every response (`null` when unset), and no others. */
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});

const idParam = (prefix: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: `^${prefix}_` },
});
const idempotencyKey = { $ref: '#/components/parameters/IdempotencyKey' };
const listParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
  { name: 'starting_after', in: 'query', schema: { type: 'string' } },
  { name: 'ending_before', in: 'query', schema: { type: 'string' } },
];
const body = (schema: unknown, required = true) => ({
  required,
  content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
});
const metadata = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 500 },
  maxProperties: 50,
};
const amount = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT };
const listOf = (item: string, url: string) =>
  object({
    object: { const: 'list' },
    data: { type: 'array', items: ref(item) },
    has_more: { type: 'boolean' },
    url: { const: url },
  });
const paymentMethodRef = object({ id: { type: 'string' }, object: { const: 'payment_method' } });

/** Answers of every POST: bad parameters or body, authentication, the Idempotency-Key, lock conflicts. */
const POST_ERRORS = [400, 401, 409, 413, 415, 422, 429];
/** Answers of every GET of the API besides 200: unknown query parameters and authentication. */
const GET_ERRORS = [400, 401];

export function openApiDocument() {
  const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera payment API',
      version: '1.0.0',
      description:
        'A Stripe-compatible subset: payment methods, payment intents, refunds and balance. Bodies may be ' +
        'form-encoded (bracket nesting, e.g. metadata[order]=42) or JSON. Amounts are integers in the ' +
        "currency's minor unit. Every POST accepts an Idempotency-Key (kept at least 24 hours).",
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { basicAuth: [] }],
    paths: {
      '/v1/payment_methods': {
        post: {
          operationId: 'createPaymentMethod',
          summary:
            'Vault a card and return a payment method (only brand, last4, expiry, fingerprint are returned)',
          parameters: [idempotencyKey],
          requestBody: body({
            type: 'object',
            required: ['card'],
            additionalProperties: false,
            properties: {
              type: { enum: ['card'] },
              card: {
                type: 'object',
                required: ['number', 'exp_month', 'exp_year'],
                additionalProperties: false,
                properties: {
                  number: { type: 'string' },
                  exp_month: { type: 'integer', minimum: 1, maximum: 12 },
                  exp_year: { type: 'integer' },
                  cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
                },
              },
              metadata,
            },
          }),
          responses: {
            '200': { description: 'Created', content: json(ref('PaymentMethod')) },
            ...errors(...POST_ERRORS, 402),
          },
        },
      },
      '/v1/payment_methods/{id}': {
        get: {
          operationId: 'retrievePaymentMethod',
          parameters: [idParam('pm')],
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentMethod')) },
            ...errors(...GET_ERRORS, 404),
          },
        },
      },
      '/v1/payment_intents': {
        post: {
          operationId: 'createPaymentIntent',
          parameters: [idempotencyKey],
          requestBody: body({
            type: 'object',
            required: ['amount', 'currency'],
            additionalProperties: false,
            properties: {
              amount,
              currency: { type: 'string', examples: ['usd'] },
              payment_method: { type: 'string', pattern: '^pm_' },
              confirm: { type: 'boolean', default: false },
              capture_method: { enum: ['automatic', 'manual'], default: 'automatic' },
              description: { type: 'string', maxLength: 1000 },
              metadata,
              payment_method_types: { type: 'array', items: { enum: ['card'] } },
            },
          }),
          responses: {
            '200': { description: 'Created', content: json(ref('PaymentIntent')) },
            ...errors(...POST_ERRORS, 402, 404),
          },
        },
        get: {
          operationId: 'listPaymentIntents',
          parameters: listParams,
          responses: {
            '200': { description: 'OK', content: json(listOf('PaymentIntent', '/v1/payment_intents')) },
            ...errors(...GET_ERRORS, 404),
          },
        },
      },
      '/v1/payment_intents/{id}': {
        get: {
          operationId: 'retrievePaymentIntent',
          parameters: [idParam('pi')],
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(...GET_ERRORS, 404),
          },
        },
      },
      '/v1/payment_intents/{id}/confirm': {
        post: {
          operationId: 'confirmPaymentIntent',
          parameters: [idParam('pi'), idempotencyKey],
          requestBody: body(
            {
              type: 'object',
              additionalProperties: false,
              properties: { payment_method: { type: 'string', pattern: '^pm_' } },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(...POST_ERRORS, 402, 404),
          },
        },
      },
      '/v1/payment_intents/{id}/capture': {
        post: {
          operationId: 'capturePaymentIntent',
          parameters: [idParam('pi'), idempotencyKey],
          requestBody: body(
            {
              type: 'object',
              additionalProperties: false,
              properties: { amount_to_capture: amount },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(...POST_ERRORS, 404),
          },
        },
      },
      '/v1/payment_intents/{id}/cancel': {
        post: {
          operationId: 'cancelPaymentIntent',
          parameters: [idParam('pi'), idempotencyKey],
          requestBody: body(
            {
              type: 'object',
              additionalProperties: false,
              properties: { cancellation_reason: { enum: CANCELLATION_REASONS } },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(...POST_ERRORS, 404),
          },
        },
      },
      '/v1/refunds': {
        post: {
          operationId: 'createRefund',
          parameters: [idempotencyKey],
          requestBody: body({
            type: 'object',
            required: ['payment_intent'],
            additionalProperties: false,
            properties: {
              payment_intent: { type: 'string', pattern: '^pi_' },
              amount,
              reason: { enum: REFUND_REASONS },
              metadata,
            },
          }),
          responses: {
            '200': { description: 'Created', content: json(ref('Refund')) },
            ...errors(...POST_ERRORS, 404),
          },
        },
        get: {
          operationId: 'listRefunds',
          parameters: listParams,
          responses: {
            '200': { description: 'OK', content: json(listOf('Refund', '/v1/refunds')) },
            ...errors(...GET_ERRORS, 404),
          },
        },
      },
      '/v1/refunds/{id}': {
        get: {
          operationId: 'retrieveRefund',
          parameters: [idParam('re')],
          responses: {
            '200': { description: 'OK', content: json(ref('Refund')) },
            ...errors(...GET_ERRORS, 404),
          },
        },
      },
      '/v1/balance': {
        get: {
          operationId: 'retrieveBalance',
          responses: {
            '200': { description: 'OK', content: json(ref('Balance')) },
            ...errors(...GET_ERRORS),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          security: [],
          responses: {
            '200': {
              description: 'The process is alive',
              content: json(object({ status: { const: 'ok' } })),
            },
          },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          security: [],
          responses: {
            '200': {
              description: 'The database is reachable',
              content: json(object({ status: { const: 'ready' } })),
            },
            '503': {
              description: 'Database unreachable',
              content: json(object({ status: { const: 'unavailable' }, reason: { type: 'string' } })),
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          security: [],
          responses: {
            '200': {
              description: 'This document',
              content: json({
                type: 'object',
                required: ['openapi', 'info', 'paths', 'components'],
                properties: {
                  openapi: { const: '3.1.0' },
                  info: { type: 'object' },
                  paths: { type: 'object' },
                  components: { type: 'object' },
                },
              }),
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Secret key sk_test_…' },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'Secret key as the user name, empty password',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description:
            'Same key + same request replays the stored response; a different request answers 422; while the first is in flight, 409.',
        },
      },
      responses: {
        Error400: errorResponse('Invalid request (invalid_request_error, with param)'),
        Error401: errorResponse('Missing or invalid API key'),
        Error402: errorResponse('Card declined or invalid (card_error with code and decline_code)'),
        Error404: errorResponse('No such object for this merchant (resource_missing)'),
        Error409: errorResponse('Another request with this Idempotency-Key is in flight'),
        Error413: errorResponse('Request body too large'),
        Error415: errorResponse('Unsupported Content-Type'),
        Error422: errorResponse('Idempotency-Key reused with different parameters (idempotency_error)'),
        Error429: errorResponse('Concurrent modification; retry with the same Idempotency-Key'),
      },
      schemas: {
        Error: object({
          error: {
            type: 'object',
            required: ['type', 'message'],
            additionalProperties: false,
            properties: {
              type: {
                enum: [
                  'invalid_request_error',
                  'authentication_error',
                  'card_error',
                  'idempotency_error',
                  'rate_limit_error',
                  'api_error',
                ],
              },
              code: { type: 'string' },
              decline_code: { type: 'string' },
              message: { type: 'string' },
              param: { type: 'string' },
              // a declined confirmation (402) carries its charge, payment intent and payment method
              charge: { type: 'string' },
              payment_intent: ref('PaymentIntent'),
              payment_method: paymentMethodRef,
            },
          },
        }),
        PaymentMethod: object({
          id: { type: 'string', pattern: '^pm_' },
          object: { const: 'payment_method' },
          type: { const: 'card' },
          billing_details: object({
            address: nullable('object'),
            email: nullable('string'),
            name: nullable('string'),
            phone: nullable('string'),
          }),
          card: object({
            brand: { type: 'string' },
            last4: { type: 'string', pattern: '^[0-9]{4}$' },
            exp_month: { type: 'integer', minimum: 1, maximum: 12 },
            exp_year: { type: 'integer' },
            fingerprint: { type: 'string' },
            funding: { enum: ['credit', 'debit', 'prepaid', 'unknown'] },
            country: nullable('string'),
          }),
          created: { type: 'integer' },
          customer: nullable('string'),
          livemode: { type: 'boolean' },
          metadata,
        }),
        PaymentIntent: object({
          id: { type: 'string', pattern: '^pi_' },
          object: { const: 'payment_intent' },
          amount: { type: 'integer' },
          amount_capturable: { type: 'integer' },
          amount_received: { type: 'integer' },
          canceled_at: nullable('integer'),
          cancellation_reason: { enum: [...CANCELLATION_REASONS, null] },
          capture_method: { enum: ['automatic', 'manual'] },
          client_secret: { type: 'string' },
          confirmation_method: { enum: ['automatic', 'manual'] },
          created: { type: 'integer' },
          currency: { type: 'string' },
          description: nullable('string'),
          last_payment_error: { oneOf: [ref('PaymentError'), { type: 'null' }] },
          latest_charge: nullable('string'),
          livemode: { type: 'boolean' },
          metadata,
          payment_method: nullable('string'),
          payment_method_types: { type: 'array', items: { const: 'card' } },
          status: { enum: PAYMENT_INTENT_STATUSES },
        }),
        PaymentError: object({
          type: { const: 'card_error' },
          code: { type: 'string' },
          decline_code: { type: 'string' },
          message: { type: 'string' },
          payment_method: { oneOf: [paymentMethodRef, { type: 'null' }] },
        }),
        Refund: object({
          id: { type: 'string', pattern: '^re_' },
          object: { const: 'refund' },
          amount: { type: 'integer' },
          charge: { type: 'string' },
          created: { type: 'integer' },
          currency: { type: 'string' },
          metadata,
          payment_intent: { type: 'string', pattern: '^pi_' },
          reason: { enum: [...REFUND_REASONS, null] },
          status: { enum: ['pending', 'succeeded', 'failed', 'canceled'] },
        }),
        Balance: object({
          object: { const: 'balance' },
          available: { type: 'array', items: ref('BalanceAmount') },
          pending: { type: 'array', items: ref('BalanceAmount') },
          livemode: { type: 'boolean' },
        }),
        BalanceAmount: object({
          amount: { type: 'integer' },
          currency: { type: 'string' },
          source_types: object({ card: { type: 'integer' } }),
        }),
      },
    },
  };
}
