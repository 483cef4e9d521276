import { CHALLENGE_PATH } from '../app/authentication.js';
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
 * The OpenAPI paths and schemas of customers, saved cards, card tokens, SetupIntents and the 3D Secure
 * challenge page (issue 11), with the same conventions as openapi.ts.
 */
const id = (prefix: string) => ({ type: 'string', pattern: `^${prefix}_` });
const address = () =>
  params({
    city: string,
    country: string,
    line1: string,
    line2: string,
    postal_code: string,
    state: string,
  });
const addressObject = () =>
  object({
    city: nullable('string'),
    country: nullable('string'),
    line1: nullable('string'),
    line2: nullable('string'),
    postal_code: nullable('string'),
    state: nullable('string'),
  });
const customerFields = () => ({
  email: { type: 'string', maxLength: 512 },
  name: { type: 'string', maxLength: 256 },
  phone: { type: 'string', maxLength: 20 },
  description: { type: 'string', maxLength: 350 },
  address: address(),
  metadata,
});
export const billingDetails = () =>
  params({
    address: address(),
    email: { type: 'string', maxLength: 512 },
    name: { type: 'string', maxLength: 256 },
    phone: { type: 'string', maxLength: 20 },
  });
const pageAnd = (...more: Record<string, unknown>[]) => [...listParams, ...more];
const query = (name: string, schema: unknown) => ({ name, in: 'query', schema });

/** The PaymentIntent parameters about customers and authentication (create; confirm takes the last three). */
export const intentCustomerParams = {
  customer: id('cus'),
  setup_future_usage: { enum: ['on_session', 'off_session'] },
  off_session: { oneOf: [{ type: 'boolean' }, { enum: ['true', 'false', 'one_off', 'recurring'] }] },
  return_url: { type: 'string', format: 'uri', maxLength: 2048 },
};

/** A POST: on an object of `prefix` when given (its id in the path), its body, result and extra statuses. */
const post = (
  operationId: string,
  prefix: string | null,
  request: unknown,
  result: unknown,
  ...statuses: number[]
) => ({
  operationId,
  parameters: prefix ? [idParam(prefix), idempotencyKey] : [idempotencyKey],
  requestBody: body(request, prefix === null),
  responses: {
    '200': ok(result),
    ...errors(...POST_ERRORS, ...(prefix ? [...ID_ERRORS, 404] : []), ...statuses),
  },
});
const get = (operationId: string, prefix: string | null, result: unknown, parameters: unknown[] = []) => ({
  operationId,
  parameters: prefix ? [idParam(prefix), ...parameters] : parameters,
  responses: { '200': ok(result), ...errors(...GET_ERRORS, 404, ...(prefix ? ID_ERRORS : [])) },
});

const html = (description: string) => ({ description, content: { 'text/html': { schema: string } } });

export function customerPaths() {
  return {
    '/v1/customers': {
      post: post(
        'createCustomer',
        null,
        params({
          ...customerFields(),
          payment_method: id('pm'),
          source: id('tok'),
        }),
        ref('Customer'),
        404,
      ),
      get: get('listCustomers', null, listOf('Customer', '/v1/customers'), pageAnd(query('email', string))),
    },
    '/v1/customers/{id}': {
      get: get('retrieveCustomer', 'cus', { oneOf: [ref('Customer'), ref('DeletedCustomer')] }),
      post: post('updateCustomer', 'cus', params(customerFields()), ref('Customer')),
      delete: {
        operationId: 'deleteCustomer',
        parameters: [idParam('cus'), idempotencyKey],
        responses: {
          '200': ok(ref('DeletedCustomer')),
          ...errors(...API_ERRORS, ...ID_ERRORS, 404, 409),
        },
      },
    },
    '/v1/customers/{id}/payment_methods': {
      get: {
        ...get('listCustomerPaymentMethods', 'cus', { $ref: '#/components/schemas/PaymentMethodList' }),
        parameters: [idParam('cus'), ...pageAnd(query('type', { enum: ['card'] }))],
      },
    },
    '/v1/payment_methods/{id}/attach': {
      post: post(
        'attachPaymentMethod',
        'pm',
        params({ customer: id('cus') }, ['customer']),
        ref('PaymentMethod'),
      ),
    },
    '/v1/payment_methods/{id}/detach': {
      post: post('detachPaymentMethod', 'pm', params({}), ref('PaymentMethod')),
    },
    '/v1/tokens': {
      post: post(
        'createToken',
        null,
        params(
          {
            card: params(
              {
                number: string,
                exp_month: { type: 'integer', minimum: 1, maximum: 12 },
                exp_year: integer,
                cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
              },
              ['number', 'exp_month', 'exp_year'],
            ),
          },
          ['card'],
        ),
        ref('Token'),
        402,
      ),
    },
    '/v1/tokens/{id}': { get: get('retrieveToken', 'tok', ref('Token')) },
    '/v1/setup_intents': {
      post: post(
        'createSetupIntent',
        null,
        params({
          customer: id('cus'),
          payment_method: id('pm'),
          usage: { enum: ['on_session', 'off_session'], default: 'off_session' },
          confirm: { type: 'boolean', default: false },
          description: { type: 'string', maxLength: 1000 },
          metadata,
          payment_method_types: { type: 'array', items: { enum: ['card'] } },
        }),
        ref('SetupIntent'),
        404,
      ),
      get: get(
        'listSetupIntents',
        null,
        listOf('SetupIntent', '/v1/setup_intents'),
        pageAnd(query('customer', id('cus')), query('payment_method', id('pm'))),
      ),
    },
    '/v1/setup_intents/{id}': {
      get: get('retrieveSetupIntent', 'seti', ref('SetupIntent'), [query('client_secret', string)]),
    },
    '/v1/setup_intents/{id}/confirm': {
      post: post('confirmSetupIntent', 'seti', params({ payment_method: id('pm') }), ref('SetupIntent')),
    },
    '/v1/setup_intents/{id}/cancel': {
      post: post(
        'cancelSetupIntent',
        'seti',
        params({ cancellation_reason: { enum: ['abandoned', 'requested_by_customer', 'duplicate'] } }),
        ref('SetupIntent'),
      ),
    },
    [`${CHALLENGE_PATH}/{id}`]: {
      get: {
        operationId: 'showAuthenticationChallenge',
        summary: 'The simulated 3D Secure challenge page (HTML), opened by the cardholder from next_action',
        security: [],
        parameters: [idParam('pi'), { name: 'secret', in: 'query', required: true, schema: string }],
        responses: {
          '200': html('The challenge, or a note that it was already answered'),
          '404': html('The link is not (or no longer) valid'),
        },
      },
      post: {
        operationId: 'answerAuthenticationChallenge',
        summary: "The cardholder's answer: approve authorizes the payment, fail fails it",
        security: [],
        parameters: [idParam('pi')],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: params({ secret: string, outcome: { enum: ['approve', 'fail'] } }, [
                'secret',
                'outcome',
              ]),
            },
          },
        },
        responses: {
          '200': html('Answered; no return_url was given'),
          '303': { description: 'Answered: back to return_url (payment_intent, redirect_status added)' },
          '400': html('outcome is neither approve nor fail'),
          '404': html('The link is not (or no longer) valid'),
          '409': html('The challenge was already answered otherwise'),
        },
      },
    },
  };
}

/** GET /v1/payment_methods: a customer's (or all) saved cards. */
export const listPaymentMethodsOperation = () =>
  get('listPaymentMethods', null, ref('PaymentMethodList'), [
    ...pageAnd(query('customer', id('cus')), query('type', { enum: ['card'] })),
  ]);

/** POST /v1/payment_methods/{id}: billing details, metadata and expiry of a saved card. */
export const updatePaymentMethodOperation = () =>
  post(
    'updatePaymentMethod',
    'pm',
    params({
      billing_details: billingDetails(),
      metadata,
      card: params({ exp_month: { type: 'integer', minimum: 1, maximum: 12 }, exp_year: integer }),
    }),
    ref('PaymentMethod'),
  );

/** The `card` of POST /v1/payment_methods: a raw card, or a token (`tok_…`, Stripe's test tokens too). */
export const paymentMethodCard = () => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    number: string,
    exp_month: { type: 'integer', minimum: 1, maximum: 12 },
    exp_year: integer,
    cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
    token: id('tok'),
  },
  anyOf: [{ required: ['number', 'exp_month', 'exp_year'] }, { required: ['token'] }],
});

export function customerSchemas() {
  return {
    Customer: object({
      ...identity('cus', 'customer'),
      address: { oneOf: [addressObject(), { type: 'null' }] },
      balance: integer,
      created: integer,
      currency: { type: 'null' },
      default_source: { type: 'null' },
      delinquent: boolean,
      description: nullable('string'),
      discount: { type: 'null' },
      email: nullable('string'),
      invoice_prefix: { type: 'string', pattern: '^[0-9A-F]{8}$' },
      invoice_settings: object({
        custom_fields: { type: 'null' },
        default_payment_method: { type: 'null' },
        footer: { type: 'null' },
        rendering_options: { type: 'null' },
      }),
      livemode: boolean,
      metadata,
      name: nullable('string'),
      next_invoice_sequence: integer,
      phone: nullable('string'),
      preferred_locales: { type: 'array', items: string },
      shipping: { type: 'null' },
      tax_exempt: { enum: ['none', 'exempt', 'reverse'] },
      test_clock: { type: 'null' },
    }),
    DeletedCustomer: object({ ...identity('cus', 'customer'), deleted: { const: true } }),
    PaymentMethodList: {
      type: 'object',
      required: ['object', 'data', 'has_more', 'url'],
      additionalProperties: false,
      properties: {
        object: { const: 'list' },
        data: { type: 'array', items: ref('PaymentMethod') },
        has_more: boolean,
        url: { type: 'string', pattern: '^/v1/(customers/cus_[0-9A-Za-z]+/)?payment_methods$' },
      },
    },
    Token: object({
      ...identity('tok', 'token'),
      card: object({
        ...identity('card', 'card'),
        address_city: nullable('string'),
        address_country: nullable('string'),
        address_line1: nullable('string'),
        address_line1_check: { type: 'null' },
        address_line2: nullable('string'),
        address_state: nullable('string'),
        address_zip: nullable('string'),
        address_zip_check: { type: 'null' },
        brand: string,
        country: { type: 'null' },
        cvc_check: { type: 'null' },
        dynamic_last4: { type: 'null' },
        exp_month: integer,
        exp_year: integer,
        fingerprint: string,
        funding: { enum: ['credit', 'debit', 'prepaid', 'unknown'] },
        last4: { type: 'string', pattern: '^[0-9]{4}$' },
        metadata,
        name: nullable('string'),
        tokenization_method: { type: 'null' },
        wallet: { type: 'null' },
      }),
      client_ip: nullable('string'),
      created: integer,
      livemode: boolean,
      type: { const: 'card' },
      used: boolean,
    }),
    SetupIntent: object({
      ...identity('seti', 'setup_intent'),
      application: { type: 'null' },
      automatic_payment_methods: { type: 'null' },
      cancellation_reason: { enum: ['abandoned', 'requested_by_customer', 'duplicate', null] },
      client_secret: string,
      created: integer,
      customer: nullable('string'),
      description: nullable('string'),
      flow_directions: { type: 'null' },
      last_setup_error: { oneOf: [ref('PaymentError'), { type: 'null' }] },
      latest_attempt: { type: 'null' },
      livemode: boolean,
      mandate: { type: 'null' },
      metadata,
      next_action: { type: 'null' },
      on_behalf_of: { type: 'null' },
      payment_method: nullable('string'),
      payment_method_configuration_details: { type: 'null' },
      payment_method_options: object({
        card: object({
          mandate_options: { type: 'null' },
          network: { type: 'null' },
          request_three_d_secure: { const: 'automatic' },
        }),
      }),
      payment_method_types: { type: 'array', items: { const: 'card' } },
      single_use_mandate: { type: 'null' },
      status: {
        enum: [
          'requires_payment_method',
          'requires_confirmation',
          'requires_action',
          'processing',
          'canceled',
          'succeeded',
        ],
      },
      usage: { enum: ['on_session', 'off_session'] },
    }),
  };
}
