import { REFUND_REASONS } from '../app/refunds.js';
import { SHAPE_SCHEMAS } from '../app/shapes.js';
import { eventPaths, eventSchemas } from './openapi-events.js';
import { BALANCE_TRANSACTION_TYPES } from '../store/balance-transaction-store.js';
import { CANCELLATION_REASONS, MAX_AMOUNT } from '../domain/payment-intent.js';
import {
  billingDetails,
  customerPaths,
  customerSchemas,
  intentCustomerParams,
  listPaymentMethodsOperation,
  paymentMethodCard,
  updatePaymentMethodOperation,
} from './openapi-customers.js';
import { webhookPaths, webhookSchemas } from './openapi-webhooks.js';

/**
 * OpenAPI 3.1 description of the routes this service serves, kept next to routes.ts. Response schemas list
 * every field with `required` and `additionalProperties: false`, so test/api/openapi.test.ts, which checks
 * the real responses of every operation against them, fails when a response drifts from this document.
 */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ 'application/json': { schema } });
export const nullable = (type: string) => ({ type: [type, 'null'] });
export const string = { type: 'string' };
export const integer = { type: 'integer' };
export const boolean = { type: 'boolean' };
/** The `id` (with its prefix) and `object` fields every Stripe object starts with. */
export const identity = (prefix: string, name: string) => ({
  id: { type: 'string', pattern: `^${prefix}_` },
  object: { const: name },
});
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/Error${c}` }]));

/** An object whose properties are all present in every response (`null` when unset), and no others. */
export const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});

export const idParam = (prefix: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: `^${prefix}_` },
});
export const idempotencyKey = { $ref: '#/components/parameters/IdempotencyKey' };
export const listParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
  { name: 'starting_after', in: 'query', schema: string },
  { name: 'ending_before', in: 'query', schema: string },
];
export const body = (schema: unknown, required = true) => ({
  required,
  content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
});
export const metadata = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 500 },
  maxProperties: 50,
};
export const amount = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT };
export const listOf = (item: string, url: string) =>
  object({
    object: { const: 'list' },
    data: { type: 'array', items: ref(item) },
    has_more: boolean,
    url: { const: url },
  });
export const paymentMethodRef = object({ id: string, object: { const: 'payment_method' } });

/** The fields of a payment intent that expand[] replaces by their object (null stays null). */
const INTENT_EXPANDABLE = ['latest_charge', 'payment_method', 'customer'];
const intentExpand = { type: 'array', items: { enum: INTENT_EXPANDABLE } };
const expandQuery = (fields: readonly string[]) => ({
  name: 'expand[]',
  in: 'query',
  schema: { type: 'array', items: { enum: fields } },
});
const descriptor = { type: 'string', maxLength: 22, pattern: '^(?=.*[A-Za-z])[^<>\\\\\'"*]{1,22}$' };
/** The descriptive parameters of a payment intent (create and update). */
const intentDetails = {
  receipt_email: { type: 'string', maxLength: 800 },
  statement_descriptor: descriptor,
  statement_descriptor_suffix: descriptor,
  return_url: { type: 'string', maxLength: 2048 },
  shipping: {
    type: 'object',
    required: ['name', 'address'],
    properties: {
      name: string,
      address: { type: 'object', required: ['line1'] },
      carrier: string,
      phone: string,
      tracking_number: string,
    },
  },
  automatic_payment_methods: {
    type: 'object',
    properties: { enabled: boolean, allow_redirects: { enum: ['always', 'never'] } },
  },
};

/** Answers of every request: its headers are over Node's limit (16 KiB). */
const ANY_ERRORS = [431];
/**
 * Answers of every /v1 operation: bad parameters, authentication, a refused Stripe-Account header (403),
 * and 429 for a source or key prefix over the failed-authentication limit.
 */
export const API_ERRORS = [...ANY_ERRORS, 400, 401, 403, 429];
/** Answers of every POST besides those: the Idempotency-Key, body size and content type. */
export const POST_ERRORS = [...API_ERRORS, 409, 413, 415];
/** Answers of every GET of the API besides 200. */
export const GET_ERRORS = API_ERRORS;
/** Answers of an operation with an `{id}` in its path: the id is longer than the router accepts. */
export const ID_ERRORS = [414];

export const ok = (schema: unknown, description = 'OK') => ({ description, content: json(schema) });
/** A request body: the parameters the route accepts, and no others. */
export const params = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
  properties,
});

/** A POST: its body, its result and the statuses it answers besides those of every POST. */
const post = (
  operationId: string,
  request: { readonly body: unknown; readonly onIntent?: boolean; readonly summary?: string },
  result: string,
  ...statuses: number[]
) => ({
  operationId,
  ...(request.summary ? { summary: request.summary } : {}),
  parameters: request.onIntent ? [idParam('pi'), idempotencyKey] : [idempotencyKey],
  requestBody: body(request.body, !request.onIntent),
  responses: {
    '200': ok(ref(result), request.onIntent ? 'OK' : 'Created'),
    ...errors(...POST_ERRORS, ...(request.onIntent ? ID_ERRORS : []), ...statuses),
  },
});
const retrieve = (operationId: string, prefix: string, result: string) => ({
  get: {
    operationId,
    parameters: [idParam(prefix)],
    responses: { '200': ok(ref(result)), ...errors(...GET_ERRORS, ...ID_ERRORS, 404) },
  },
});
/** A list: its page parameters, then its filters (query parameters that must equal a field). */
const list = (operationId: string, item: string, url: string, filters: Record<string, unknown> = {}) => ({
  operationId,
  parameters: [
    ...listParams,
    ...Object.entries(filters).map(([name, schema]) => ({ name, in: 'query', schema })),
  ],
  responses: { '200': ok(listOf(item, url)), ...errors(...GET_ERRORS, 404) },
});
/** A change to an existing payment intent: confirm, capture, cancel. */
const intentChange = (operationId: string, properties: Record<string, unknown>, ...statuses: number[]) => ({
  post: post(
    operationId,
    { body: params({ ...properties, expand: intentExpand }), onIntent: true },
    'PaymentIntent',
    404,
    ...statuses,
  ),
});
/** An unauthenticated probe. */
const probe = (operationId: string, responses: Record<string, unknown>) => ({
  get: { operationId, security: [], responses: { ...responses, ...errors(...ANY_ERRORS) } },
});

export function openApiDocument() {
  const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera payment API',
      version: '1.0.0',
      description:
        'A Stripe-compatible subset: payment methods, payment intents, charges, refunds, balance and ' +
        'balance transactions. Refunds name a payment_intent or a charge. Bodies may be ' +
        'form-encoded (bracket nesting, e.g. metadata[order]=42) or JSON. Amounts are integers in the ' +
        "currency's minor unit. Every POST accepts an Idempotency-Key (kept at least 24 hours). Every error " +
        "answers Stripe's envelope { error: { type, code, message, param? } }, also those given before a " +
        'route is matched: 400 url_invalid (bad percent-encoding) or request_malformed (not HTTP/1.1), ' +
        '414 url_too_long, 431 header_fields_too_large, 404 url_unrecognized, 405 method_not_allowed.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { basicAuth: [] }],
    paths: {
      '/v1/payment_methods': {
        post: post(
          'createPaymentMethod',
          {
            summary:
              'Vault a card and return a payment method (only brand, last4, expiry, fingerprint are returned)',
            body: params(
              {
                type: { enum: ['card'] },
                card: paymentMethodCard(),
                billing_details: billingDetails(),
                metadata,
              },
              ['card'],
            ),
          },
          'PaymentMethod',
          402,
          404,
        ),
        get: listPaymentMethodsOperation(),
      },
      '/v1/payment_methods/{id}': {
        ...retrieve('retrievePaymentMethod', 'pm', 'PaymentMethod'),
        post: updatePaymentMethodOperation(),
      },
      '/v1/payment_intents': {
        post: post(
          'createPaymentIntent',
          {
            body: params(
              {
                amount,
                currency: { type: 'string', examples: ['usd'] },
                payment_method: { type: 'string', pattern: '^pm_' },
                confirm: { type: 'boolean', default: false },
                capture_method: { enum: ['automatic', 'manual'], default: 'automatic' },
                description: { type: 'string', maxLength: 1000 },
                metadata,
                payment_method_types: { type: 'array', items: { enum: ['card'] } },
                ...intentCustomerParams,
                ...intentDetails,
                payment_method_options: params({
                  card: params({
                    capture_method: { enum: ['manual', ''] },
                    request_three_d_secure: { const: 'automatic' },
                  }),
                }),
                expand: intentExpand,
              },
              ['amount', 'currency'],
            ),
          },
          'PaymentIntent',
          402,
          404,
        ),
        get: list('listPaymentIntents', 'PaymentIntent', '/v1/payment_intents', {
          created: {
            anyOf: [integer, params({ gt: integer, gte: integer, lt: integer, lte: integer })],
          },
          customer: { type: 'string', pattern: '^cus_' },
          'expand[]': { type: 'array', items: { enum: INTENT_EXPANDABLE.map((f) => `data.${f}`) } },
        }),
      },
      '/v1/payment_intents/search': {
        get: {
          operationId: 'searchPaymentIntents',
          summary:
            "Stripe's search query language over status, amount, currency, customer, created and metadata['key']",
          parameters: [
            { name: 'query', in: 'query', required: true, schema: { type: 'string', maxLength: 5000 } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
            },
            { name: 'page', in: 'query', schema: { type: 'string', pattern: '^pi_' } },
            expandQuery(INTENT_EXPANDABLE.map((f) => `data.${f}`)),
          ],
          responses: {
            '200': ok(
              object({
                object: { const: 'search_result' },
                data: { type: 'array', items: ref('PaymentIntent') },
                has_more: boolean,
                next_page: { type: ['string', 'null'] },
                url: { const: '/v1/payment_intents/search' },
              }),
            ),
            ...errors(...GET_ERRORS),
          },
        },
      },
      '/v1/payment_intents/{id}': {
        get: {
          ...retrieve('retrievePaymentIntent', 'pi', 'PaymentIntent').get,
          parameters: [idParam('pi'), expandQuery(INTENT_EXPANDABLE)],
        },
        post: post(
          'updatePaymentIntent',
          {
            summary:
              'Update before confirmation (amount, currency, payment_method) or at any time before cancel ' +
              '(description, metadata merged — an empty value unsets its key —, receipt_email, shipping, ' +
              "statement descriptors); '' unsets a field",
            body: params({
              amount,
              currency: string,
              payment_method: { type: 'string', pattern: '^pm_' },
              description: { type: 'string', maxLength: 1000 },
              metadata,
              ...intentDetails,
              expand: intentExpand,
            }),
            onIntent: true,
          },
          'PaymentIntent',
          404,
        ),
      },
      '/v1/payment_intents/{id}/confirm': intentChange(
        'confirmPaymentIntent',
        {
          payment_method: { type: 'string', pattern: '^pm_' },
          setup_future_usage: intentCustomerParams.setup_future_usage,
          off_session: intentCustomerParams.off_session,
          return_url: intentCustomerParams.return_url,
        },
        402,
      ),
      '/v1/payment_intents/{id}/capture': intentChange('capturePaymentIntent', { amount_to_capture: amount }),
      '/v1/payment_intents/{id}/cancel': intentChange('cancelPaymentIntent', {
        cancellation_reason: { enum: CANCELLATION_REASONS },
      }),
      '/v1/refunds': {
        post: post(
          'createRefund',
          {
            body: params({
              payment_intent: { type: 'string', pattern: '^pi_' },
              charge: { type: 'string', pattern: '^ch_' },
              amount,
              reason: { enum: REFUND_REASONS },
              metadata,
            }),
          },
          'Refund',
          404,
        ),
        get: list('listRefunds', 'Refund', '/v1/refunds', {
          payment_intent: { type: 'string', pattern: '^pi_' },
          charge: { type: 'string', pattern: '^ch_' },
        }),
      },
      '/v1/refunds/{id}': retrieve('retrieveRefund', 're', 'Refund'),
      '/v1/charges': {
        get: list('listCharges', 'Charge', '/v1/charges', {
          payment_intent: { type: 'string', pattern: '^pi_' },
          customer: { type: 'string', pattern: '^cus_' },
        }),
      },
      '/v1/charges/{id}': retrieve('retrieveCharge', 'ch', 'Charge'),
      '/v1/balance_transactions': {
        get: list('listBalanceTransactions', 'BalanceTransaction', '/v1/balance_transactions', {
          type: { enum: BALANCE_TRANSACTION_TYPES },
        }),
      },
      '/v1/balance_transactions/{id}': retrieve('retrieveBalanceTransaction', 'txn', 'BalanceTransaction'),
      '/v1/balance': {
        get: {
          operationId: 'retrieveBalance',
          responses: { '200': ok(ref('Balance')), ...errors(...GET_ERRORS) },
        },
      },
      ...customerPaths(),
      ...eventPaths(),
      ...webhookPaths(),
      '/health': probe('health', { '200': ok(object({ status: { const: 'ok' } }), 'The process is alive') }),
      '/ready': probe('ready', {
        '200': ok(object({ status: { const: 'ready' } }), 'The database is reachable'),
        '503': ok(object({ status: { const: 'unavailable' }, reason: string }), 'Database unreachable'),
      }),
      '/openapi.json': probe('openapi', {
        '200': ok(
          {
            type: 'object',
            required: ['openapi', 'info', 'paths', 'components'],
            properties: {
              openapi: { const: '3.1.0' },
              info: { type: 'object' },
              paths: { type: 'object' },
              components: { type: 'object' },
            },
          },
          'This document',
        ),
      }),
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
            'Same key + same request replays the stored response; a different request answers 400 ' +
            'idempotency_error (as Stripe does); while the first is in flight, 409.',
        },
      },
      responses: {
        Error400: errorResponse(
          'Invalid request (invalid_request_error, with param), or an Idempotency-Key reused with ' +
            'different parameters (idempotency_error)',
        ),
        Error401: errorResponse('Missing, malformed or invalid API key'),
        Error402: errorResponse('Card declined or invalid (card_error with code and decline_code)'),
        Error403: errorResponse(
          'Stripe-Account header refused (account_invalid: Stripe Connect is not supported), or the client ' +
            'certificate refused (mutual TLS)',
        ),
        Error404: errorResponse('No such object for this merchant (resource_missing)'),
        Error409: errorResponse('Another request with this Idempotency-Key is in flight'),
        Error413: errorResponse('Request body too large'),
        Error414: errorResponse('The id in the path is longer than the router accepts (url_too_long)'),
        Error415: errorResponse(
          'Unsupported Content-Type (unsupported_media_type) or a charset other than UTF-8 (unsupported_charset)',
        ),
        Error429: errorResponse(
          'lock_timeout: another request is changing the object (or holds its row lock); nothing was done, retry ' +
            'with the same Idempotency-Key; or rate_limit: too many failed authentications from this address or ' +
            'with this key prefix (see Retry-After)',
        ),
        Error431: errorResponse('Request headers over the size limit (header_fields_too_large)'),
      },
      schemas: {
        Error: object({
          error: {
            type: 'object',
            required: ['type', 'code', 'message'],
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
              code: string,
              decline_code: string,
              message: string,
              param: string,
              // a declined confirmation (402) carries its charge, payment intent and payment method
              charge: string,
              payment_intent: ref('PaymentIntent'),
              payment_method: paymentMethodRef,
            },
          },
        }),
        PaymentError: object({
          type: { const: 'card_error' },
          code: string,
          decline_code: string,
          message: string,
          payment_method: { oneOf: [paymentMethodRef, { type: 'null' }] },
        }),
        ...customerSchemas(),
        ...eventSchemas(),
        ...webhookSchemas(),
        ...SHAPE_SCHEMAS,
        Balance: object({
          object: { const: 'balance' },
          available: { type: 'array', items: ref('BalanceAmount') },
          pending: { type: 'array', items: ref('BalanceAmount') },
          livemode: boolean,
        }),
        BalanceAmount: object({
          amount: integer,
          currency: string,
          source_types: object({ card: integer }),
        }),
      },
    },
  };
}
