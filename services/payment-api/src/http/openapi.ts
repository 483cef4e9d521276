/** OpenAPI 3.1 description of the routes this service serves (kept next to routes.ts; a test checks both agree). */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/Error${c}` }]));
const idParam = (name: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: `^${name}_` },
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
const listOf = (item: string) => ({
  type: 'object',
  required: ['object', 'data', 'has_more', 'url'],
  properties: {
    object: { const: 'list' },
    data: { type: 'array', items: ref(item) },
    has_more: { type: 'boolean' },
    url: { type: 'string' },
  },
});

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
            ...errors(400, 401, 402, 409, 413, 422, 429),
          },
        },
      },
      '/v1/payment_methods/{id}': {
        get: {
          operationId: 'retrievePaymentMethod',
          parameters: [idParam('pm')],
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentMethod')) },
            ...errors(401, 404),
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
              amount: { type: 'integer', minimum: 1, maximum: 99999999 },
              currency: { type: 'string', example: 'usd' },
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
            ...errors(400, 401, 402, 404, 409, 413, 422, 429),
          },
        },
        get: {
          operationId: 'listPaymentIntents',
          parameters: listParams,
          responses: {
            '200': { description: 'OK', content: json(listOf('PaymentIntent')) },
            ...errors(400, 401, 404),
          },
        },
      },
      '/v1/payment_intents/{id}': {
        get: {
          operationId: 'retrievePaymentIntent',
          parameters: [idParam('pi')],
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(401, 404),
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
              properties: { payment_method: { type: 'string' } },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(400, 401, 402, 404, 409, 422, 429),
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
              properties: { amount_to_capture: { type: 'integer', minimum: 1 } },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(400, 401, 404, 409, 422, 429),
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
              properties: {
                cancellation_reason: {
                  enum: ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'],
                },
              },
            },
            false,
          ),
          responses: {
            '200': { description: 'OK', content: json(ref('PaymentIntent')) },
            ...errors(400, 401, 404, 409, 422, 429),
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
              amount: { type: 'integer', minimum: 1 },
              reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
              metadata,
            },
          }),
          responses: {
            '200': { description: 'Created', content: json(ref('Refund')) },
            ...errors(400, 401, 404, 409, 422, 429),
          },
        },
        get: {
          operationId: 'listRefunds',
          parameters: listParams,
          responses: {
            '200': { description: 'OK', content: json(listOf('Refund')) },
            ...errors(400, 401, 404),
          },
        },
      },
      '/v1/refunds/{id}': {
        get: {
          operationId: 'retrieveRefund',
          parameters: [idParam('re')],
          responses: { '200': { description: 'OK', content: json(ref('Refund')) }, ...errors(401, 404) },
        },
      },
      '/v1/balance': {
        get: {
          operationId: 'retrieveBalance',
          responses: { '200': { description: 'OK', content: json(ref('Balance')) }, ...errors(401) },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          security: [],
          responses: { '200': { description: 'The process is alive' } },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          security: [],
          responses: {
            '200': { description: 'The database is reachable' },
            '503': { description: 'Database unreachable' },
          },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openapi', security: [], responses: { '200': { description: 'This document' } } },
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
        Error422: errorResponse('Idempotency-Key reused with different parameters (idempotency_error)'),
        Error429: errorResponse('Concurrent modification; retry with the same Idempotency-Key'),
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['type', 'message'],
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
                payment_intent: ref('PaymentIntent'),
              },
            },
          },
        },
        PaymentMethod: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^pm_' },
            object: { const: 'payment_method' },
            type: { const: 'card' },
            card: {
              type: 'object',
              properties: {
                brand: { type: 'string' },
                last4: { type: 'string' },
                exp_month: { type: 'integer' },
                exp_year: { type: 'integer' },
                fingerprint: { type: 'string' },
              },
            },
            created: { type: 'integer' },
            livemode: { type: 'boolean' },
            metadata,
          },
        },
        PaymentIntent: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^pi_' },
            object: { const: 'payment_intent' },
            amount: { type: 'integer' },
            amount_capturable: { type: 'integer' },
            amount_received: { type: 'integer' },
            capture_method: { enum: ['automatic', 'manual'] },
            client_secret: { type: 'string' },
            currency: { type: 'string' },
            status: {
              enum: [
                'requires_payment_method',
                'requires_confirmation',
                'requires_action',
                'processing',
                'requires_capture',
                'succeeded',
                'canceled',
              ],
            },
            payment_method: { type: ['string', 'null'] },
            latest_charge: { type: ['string', 'null'] },
            last_payment_error: { type: ['object', 'null'] },
            cancellation_reason: { type: ['string', 'null'] },
            canceled_at: { type: ['integer', 'null'] },
            description: { type: ['string', 'null'] },
            created: { type: 'integer' },
            livemode: { type: 'boolean' },
            metadata,
          },
        },
        Refund: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^re_' },
            object: { const: 'refund' },
            amount: { type: 'integer' },
            charge: { type: 'string' },
            currency: { type: 'string' },
            payment_intent: { type: 'string' },
            reason: { type: ['string', 'null'] },
            status: { enum: ['pending', 'succeeded', 'failed', 'canceled'] },
            created: { type: 'integer' },
            metadata,
          },
        },
        Balance: {
          type: 'object',
          properties: {
            object: { const: 'balance' },
            available: { type: 'array', items: ref('BalanceAmount') },
            pending: { type: 'array', items: ref('BalanceAmount') },
            livemode: { type: 'boolean' },
          },
        },
        BalanceAmount: {
          type: 'object',
          properties: {
            amount: { type: 'integer' },
            currency: { type: 'string' },
            source_types: { type: 'object' },
          },
        },
      },
    },
  };
}
