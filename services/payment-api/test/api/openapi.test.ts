import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRelay } from '../../src/app/event-relay.js';
import { WebhookDispatcher } from '../../src/app/webhook-dispatcher.js';
import { canonicalRequest } from '../../src/domain/idempotency.js';
import { InMemoryFifoQueue } from '../../src/queue/in-memory-fifo-queue.js';
import { hashRequest } from '../../src/secrets.js';
import { httpRequest, rawRequest } from '../support/raw-http.js';
import { call, CARDS, startTestServer, type Call, type TestServer } from '../support/server.js';

/**
 * The contract test of /openapi.json: it drives real requests through every documented operation — the
 * success paths and every documented error status — and checks each real response (status and body, error
 * envelopes included) against the document the server serves. Its schemas require every field and allow
 * no other, which the last test proves by mutating real responses.
 */
type Schema = Record<string, unknown>;

interface Operation {
  readonly method: string;
  readonly template: string;
  /** The documented statuses and the schema of their JSON body. */
  readonly responses: ReadonlyMap<string, ValidateFunction>;
}

interface Exchange {
  readonly operation: string;
  readonly label: string;
  readonly res: Call;
}

interface Request {
  readonly headers?: Record<string, string>;
  readonly id?: string;
  readonly query?: string;
  readonly json?: unknown;
  readonly raw?: string;
  readonly contentType?: string;
  readonly key?: string | null;
  readonly idempotencyKey?: string;
  readonly on?: TestServer;
}

let server: TestServer;
let unready: TestServer;
const operations = new Map<string, Operation>();
const exchanges: Exchange[] = [];

/** Every operation of the served document, with a compiled validator per documented response. */
function loadOperations(document: Schema): void {
  // Component schemas become $defs of each response schema, so their refs resolve inside it.
  const doc = JSON.parse(JSON.stringify(document).replaceAll('#/components/schemas/', '#/$defs/')) as {
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, Schema> }>>;
    components: { schemas: Schema; responses: Record<string, Schema> };
  };
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const responses = new Map<string, ValidateFunction>();
      for (const [status, declared] of Object.entries(op.responses)) {
        const reference = declared.$ref as string | undefined;
        const response = reference
          ? doc.components.responses[reference.replace('#/components/responses/', '')]
          : declared;
        const content = response?.content as Record<string, { schema: Schema }> | undefined;
        // An HTML page (the 3D Secure challenge) or a redirect has no JSON body: call() reads it as null.
        const schema =
          content?.['application/json']?.schema ??
          (content?.['text/html'] || !content ? { type: 'null' } : undefined);
        if (!schema) throw new Error(`${op.operationId} ${status}: no JSON schema documented`);
        responses.set(status, ajv.compile({ ...schema, $defs: doc.components.schemas }));
      }
      operations.set(op.operationId, { method: method.toUpperCase(), template, responses });
    }
  }
}

function operation(name: string): Operation {
  const op = operations.get(name);
  if (!op) throw new Error(`/openapi.json documents no operation ${name}`);
  return op;
}

async function exchange(name: string, label: string, request: Request = {}): Promise<Call> {
  const op = operation(name);
  const path = op.template.replace('{id}', request.id ?? 'none') + (request.query ?? '');
  const res = await call(request.on ?? server, op.method, path, request);
  exchanges.push({ operation: name, label, res });
  return res;
}

/** An exchange sent on a raw socket, for what fetch cannot send (headers over Node's limit). */
async function rawExchange(name: string, label: string, headers: Record<string, string>, id = 'none') {
  const op = operation(name);
  const raw = await rawRequest(
    server.port,
    httpRequest(op.method, op.template.replace('{id}', id), {
      authorization: `Bearer ${server.key}`,
      ...headers,
    }),
  );
  const res: Call = { status: raw.status, text: raw.body, json: raw.json, headers: new Headers(raw.headers) };
  exchanges.push({ operation: name, label, res });
}

/** A key whose prefix has failed before: the failed-authentication throttle refuses it (429). */
const THROTTLED_KEY = 'sk_test_THROTTLEDxxxxxxxxxxxxxxxxxxxx';

/** The answers every operation of the API gives besides its own: oversized headers, Stripe-Account. */
async function apiErrors(name: string, request: Request) {
  await rawExchange(name, 'headers over the limit', { 'x-padding': 'a'.repeat(20_000) }, request.id);
  await exchange(name, 'Stripe-Account header', {
    ...request,
    headers: { 'stripe-account': 'acct_connected' },
  });
  if (operation(name).template.includes('{id}')) {
    await exchange(name, 'id over the router limit', { ...request, id: `pi_${'x'.repeat(200)}` });
  }
}

const card = (number: string) => ({
  type: 'card',
  card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
  metadata: { order: '42' },
});

/** Claims an Idempotency-Key as another request would have, so the next request with it meets that claim. */
async function claim(key: string, requestHash: string, path: string) {
  await server.db.query(
    `INSERT INTO idempotency_keys (merchant_id, key, request_hash, method, path, state)
     VALUES ($1, $2, $3, 'POST', $4, 'in_flight')`,
    [server.merchantId, key, requestHash, path],
  );
}

/** The answers every POST gives besides its own: parameters, body, authentication, Idempotency-Key, locks. */
async function postErrors(operation: string, valid: { id?: string; json: Record<string, unknown> }) {
  const path = (operations.get(operation)?.template ?? '').replace('{id}', valid.id ?? 'none');
  const hash = hashRequest(server.deps.keys, canonicalRequest('POST', path, valid.json));
  await exchange(operation, 'unknown parameter', { ...valid, json: { ...valid.json, unexpected: 'x' } });
  await exchange(operation, 'no API key', { ...valid, key: null });
  await apiErrors(operation, valid);
  await exchange(operation, 'body over the limit', {
    id: valid.id,
    raw: `description=${'x'.repeat(70_000)}`,
  });
  await exchange(operation, 'unsupported content type', {
    id: valid.id,
    raw: '<xml/>',
    contentType: 'application/xml',
  });
  await claim(`${operation}-in-flight`, hash, path);
  await exchange(operation, 'key in flight', { ...valid, idempotencyKey: `${operation}-in-flight` });
  await claim(`${operation}-other`, 'hash of another request', path);
  await exchange(operation, 'key used for another request', {
    ...valid,
    idempotencyKey: `${operation}-other`,
  });
  // A claim still uncommitted in another transaction: the request waits for its lock until lock_timeout.
  await server.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO idempotency_keys (merchant_id, key, request_hash, method, path, state)
       VALUES ($1, $2, $3, 'POST', $4, 'in_flight')`,
      [server.merchantId, `${operation}-locked`, hash, path],
    );
    await exchange(operation, 'key locked by a concurrent request', {
      ...valid,
      idempotencyKey: `${operation}-locked`,
    });
  });
}

/** The answers every GET of the API gives besides its own. */
async function getErrors(operation: string, id?: string) {
  await exchange(operation, 'unknown query parameter', { id, query: '?unexpected=1' });
  await exchange(operation, 'no API key', { id, key: null });
  await exchange(operation, 'key prefix over the failed-authentication limit', { id, key: THROTTLED_KEY });
  await apiErrors(operation, { id });
}

/** A retrieve (and a list): found, unknown id, unknown cursor, and the answers of every GET. */
async function reads(retrieve: string, id: string, list?: { operation: string; cursor: string }) {
  const missing = `${id.slice(0, id.indexOf('_'))}_missing`;
  await exchange(retrieve, 'retrieves', { id });
  await exchange(retrieve, 'unknown id', { id: missing });
  await getErrors(retrieve, id);
  if (!list) return;
  await exchange(list.operation, 'first page', { query: '?limit=2' });
  await exchange(list.operation, 'unknown cursor', { query: `?${list.cursor}=${missing}` });
  await getErrors(list.operation);
}

/** Customers, saved cards, tokens, SetupIntents and the 3D Secure page (issue 11). */
async function customerExchanges() {
  const customer = (
    await exchange('createCustomer', 'creates', {
      json: { email: 'ada@example.com', name: 'Ada', address: { city: 'London' }, metadata: { a: '1' } },
    })
  ).json.id;
  await exchange('createCustomer', 'creates with a test card', { json: { payment_method: 'pm_card_visa' } });
  await exchange('createCustomer', 'creates with a test token', { json: { source: 'tok_mastercard' } });
  await exchange('createCustomer', 'unknown payment method', { json: { payment_method: 'pm_missing' } });
  await postErrors('createCustomer', { json: { email: 'x@example.com' } });
  await reads('retrieveCustomer', customer, { operation: 'listCustomers', cursor: 'starting_after' });
  await exchange('listCustomers', 'by email', { query: '?email=ada%40example.com' });
  await exchange('updateCustomer', 'updates', {
    id: customer,
    json: { name: '', metadata: { a: '', b: '2' } },
  });
  await exchange('updateCustomer', 'unknown id', { id: 'cus_missing', json: {} });
  await postErrors('updateCustomer', { id: customer, json: {} });

  const saved = (
    await exchange('attachPaymentMethod', 'attaches a test card', {
      id: 'pm_card_amex',
      json: { customer },
    })
  ).json.id;
  const loose = (
    await exchange('createPaymentMethod', 'from a test token', {
      json: { type: 'card', card: { token: 'tok_visa' }, billing_details: { name: 'Ada' } },
    })
  ).json.id;
  await exchange('createPaymentMethod', 'unknown token', {
    json: { type: 'card', card: { token: 'tok_missing' } },
  });
  await exchange('attachPaymentMethod', 'attaches', { id: loose, json: { customer } });
  await exchange('attachPaymentMethod', 'unknown customer', { id: loose, json: { customer: 'cus_missing' } });
  await postErrors('attachPaymentMethod', { id: loose, json: { customer } });
  await exchange('listCustomerPaymentMethods', 'lists', { id: customer, query: '?type=card&limit=1' });
  await exchange('listCustomerPaymentMethods', 'unknown customer', { id: 'cus_missing' });
  await getErrors('listCustomerPaymentMethods', customer);
  await exchange('listPaymentMethods', 'by customer', { query: `?customer=${customer}` });
  await exchange('listPaymentMethods', 'unknown cursor', { query: '?starting_after=pm_missing' });
  await getErrors('listPaymentMethods');
  await exchange('updatePaymentMethod', 'updates', {
    id: saved,
    json: { billing_details: { email: 'ada@example.com' }, card: { exp_month: 3, exp_year: 2041 } },
  });
  await exchange('updatePaymentMethod', 'unknown id', { id: 'pm_missing', json: {} });
  await postErrors('updatePaymentMethod', { id: saved, json: {} });
  await exchange('detachPaymentMethod', 'detaches', { id: saved, json: {} });
  await exchange('detachPaymentMethod', 'unknown id', { id: 'pm_missing', json: {} });
  await postErrors('detachPaymentMethod', { id: loose, json: {} });

  const year = new Date().getFullYear() + 2;
  const token = (
    await exchange('createToken', 'tokenizes', {
      json: { card: { number: CARDS.visa, exp_month: 12, exp_year: year, cvc: '123' } },
    })
  ).json.id;
  await exchange('createToken', 'card number fails Luhn', {
    json: { card: { number: '4242424242424241', exp_month: 12, exp_year: year } },
  });
  await postErrors('createToken', { json: { card: { number: CARDS.visa, exp_month: 12, exp_year: year } } });
  await reads('retrieveToken', token);

  const setup = (await exchange('createSetupIntent', 'creates', { json: { customer } })).json.id;
  await exchange('createSetupIntent', 'creates and confirms', {
    json: { customer, payment_method: 'pm_card_visa', confirm: true },
  });
  await exchange('createSetupIntent', 'unknown customer', { json: { customer: 'cus_missing' } });
  await postErrors('createSetupIntent', { json: {} });
  await reads('retrieveSetupIntent', setup, { operation: 'listSetupIntents', cursor: 'ending_before' });
  await exchange('confirmSetupIntent', 'declined', {
    id: setup,
    json: { payment_method: 'pm_card_chargeDeclined' },
  });
  await exchange('confirmSetupIntent', 'confirms', { id: setup, json: { payment_method: 'pm_card_visa' } });
  await exchange('confirmSetupIntent', 'unknown id', { id: 'seti_missing', json: {} });
  await postErrors('confirmSetupIntent', { id: setup, json: {} });
  const open = (await exchange('createSetupIntent', 'creates', { json: {} })).json.id;
  await exchange('cancelSetupIntent', 'cancels', { id: open, json: { cancellation_reason: 'abandoned' } });
  await exchange('cancelSetupIntent', 'unknown id', { id: 'seti_missing', json: {} });
  await postErrors('cancelSetupIntent', { id: open, json: {} });

  // payment intents with a customer, and one waiting for 3D Secure (next_action)
  const byCustomer = (
    await exchange('createPaymentIntent', 'for a customer, saving the card', {
      json: {
        amount: 800,
        currency: 'usd',
        customer,
        payment_method: 'pm_card_visa',
        setup_future_usage: 'off_session',
        confirm: true,
      },
    })
  ).json;
  expect(byCustomer.customer).toBe(customer);
  const challenged = (
    await exchange('createPaymentIntent', 'requires 3D Secure', {
      json: { amount: 900, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', confirm: true },
    })
  ).json;
  const page = new URL(challenged.next_action.redirect_to_url.url as string);
  const challengePath = page.pathname + page.search;
  const answer = (label: string, form: string, id = challenged.id as string) =>
    exchange('answerAuthenticationChallenge', label, { id, raw: form, key: null });
  await exchange('showAuthenticationChallenge', 'shows the challenge', {
    id: challenged.id,
    query: page.search,
    key: null,
  });
  await exchange('showAuthenticationChallenge', 'forged link', {
    id: challenged.id,
    query: '?secret=x',
    key: null,
  });
  await answer('forged secret', 'secret=x&outcome=approve');
  await answer('no outcome', `${page.searchParams.toString()}&outcome=maybe`);
  await answer('approves', `${page.searchParams.toString()}&outcome=approve`);
  await answer('the other answer after it', `${page.searchParams.toString()}&outcome=fail`);
  expect(challengePath).toContain(`/3ds/challenge/${challenged.id}`);
  const returning = (
    await exchange('createPaymentIntent', 'requires 3D Secure with a return_url', {
      json: {
        amount: 900,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        return_url: 'https://shop.example/done',
      },
    })
  ).json;
  const back = new URL(returning.next_action.redirect_to_url.url as string);
  const redirected = await fetch(`${server.url}${back.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${back.searchParams.toString()}&outcome=fail`,
  });
  expect(redirected.headers.get('location')).toMatch(/^https:\/\/shop\.example\/done\?payment_intent=/);
  exchanges.push({
    operation: 'answerAuthenticationChallenge',
    label: 'fails, back to return_url',
    res: {
      status: redirected.status,
      text: await redirected.text(),
      headers: redirected.headers,
      json: null,
    },
  });
  await exchange('retrievePaymentIntent', 'waiting for 3D Secure', {
    id: (
      await exchange('createPaymentIntent', 'requires 3D Secure', {
        json: {
          amount: 900,
          currency: 'usd',
          payment_method: 'pm_card_threeDSecure2Required',
          confirm: true,
        },
      })
    ).json.id,
  });

  await exchange('deleteCustomer', 'deletes', { id: customer });
  await exchange('retrieveCustomer', 'the deleted stub', { id: customer });
  await exchange('deleteCustomer', 'already deleted', { id: customer });
  const other = (await exchange('createCustomer', 'creates', { json: {} })).json.id;
  await exchange('deleteCustomer', 'unknown query parameter', { id: other, query: '?unexpected=1' });
  await exchange('deleteCustomer', 'no API key', { id: other, key: null });
  await exchange('deleteCustomer', 'key prefix over the failed-authentication limit', {
    id: other,
    key: THROTTLED_KEY,
  });
  await apiErrors('deleteCustomer', { id: other });
  const path = `/v1/customers/${other}`;
  const hash = hashRequest(server.deps.keys, canonicalRequest('DELETE', path, {}));
  await claim('delete-in-flight', hash, path);
  await exchange('deleteCustomer', 'key in flight', { id: other, idempotencyKey: 'delete-in-flight' });
  await claim('delete-other', 'hash of another request', path);
  await exchange('deleteCustomer', 'key used for another request', {
    id: other,
    idempotencyKey: 'delete-other',
  });
}

/** Webhook endpoints, secret rolling and the deliveries with their attempts (issue 13). */
async function webhookExchanges() {
  const created = await exchange('createWebhookEndpoint', 'creates', {
    json: {
      url: 'https://hooks.example.com/stripe',
      enabled_events: ['payment_intent.succeeded'],
      description: 'orders',
      metadata: { a: '1' },
      api_version: '2023-08-16',
    },
  });
  const endpoint = created.json.id;
  await exchange('createWebhookEndpoint', 'creates for every event', {
    json: { url: 'https://hooks.example.com/all', enabled_events: ['*'] },
  });
  await exchange('createWebhookEndpoint', 'internal address', {
    json: { url: 'https://169.254.169.254/', enabled_events: ['*'] },
  });
  await exchange('createWebhookEndpoint', 'unknown event type', {
    json: { url: 'https://hooks.example.com', enabled_events: ['invoice.paid'] },
  });
  await postErrors('createWebhookEndpoint', {
    json: { url: 'https://hooks.example.com/x', enabled_events: ['*'] },
  });
  await reads('retrieveWebhookEndpoint', endpoint, {
    operation: 'listWebhookEndpoints',
    cursor: 'starting_after',
  });
  await exchange('updateWebhookEndpoint', 'updates', {
    id: endpoint,
    json: {
      url: 'https://hooks.example.com/v2',
      enabled_events: ['*'],
      description: '',
      metadata: { a: '' },
    },
  });
  await exchange('updateWebhookEndpoint', 'disables', { id: endpoint, json: { disabled: true } });
  await exchange('updateWebhookEndpoint', 'enables', { id: endpoint, json: { disabled: false } });
  await exchange('updateWebhookEndpoint', 'unknown id', { id: 'we_missing', json: {} });
  await postErrors('updateWebhookEndpoint', { id: endpoint, json: {} });
  await exchange('rollWebhookEndpointSecret', 'rolls with an overlap', {
    id: endpoint,
    json: { previous_secret_expires_in: 3600 },
  });
  await exchange('rollWebhookEndpointSecret', 'unknown id', { id: 'we_missing', json: {} });
  await postErrors('rollWebhookEndpointSecret', { id: endpoint, json: {} });

  // one delivery with a failed attempt, from the dispatcher with a sender that answers 500
  const dispatcher = new WebhookDispatcher({
    db: server.db,
    keys: server.deps.keys,
    sender: { send: async () => ({ status: 500, body: 'unavailable' }) },
    schedule: [60],
    timeoutMs: 1000,
  });
  await dispatcher.consume({
    merchantId: server.merchantId,
    event: {
      id: 'evt_openapi',
      object: 'event',
      api_version: '2023-08-16',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_openapi', object: 'payment_intent' } },
    },
  });
  await exchange('listWebhookDeliveries', 'lists with attempts', { id: endpoint, query: '?limit=5' });
  await exchange('listWebhookDeliveries', 'unknown endpoint', { id: 'we_missing' });
  await getErrors('listWebhookDeliveries', endpoint);

  await exchange('deleteWebhookEndpoint', 'deletes', { id: endpoint });
  await exchange('deleteWebhookEndpoint', 'already deleted', { id: endpoint });
  const other = (
    await exchange('createWebhookEndpoint', 'creates', {
      json: { url: 'https://hooks.example.com/other', enabled_events: ['*'] },
    })
  ).json.id;
  await exchange('deleteWebhookEndpoint', 'unknown query parameter', { id: other, query: '?unexpected=1' });
  await exchange('deleteWebhookEndpoint', 'no API key', { id: other, key: null });
  await exchange('deleteWebhookEndpoint', 'key prefix over the failed-authentication limit', {
    id: other,
    key: THROTTLED_KEY,
  });
  await apiErrors('deleteWebhookEndpoint', { id: other });
  const path = `/v1/webhook_endpoints/${other}`;
  const hash = hashRequest(server.deps.keys, canonicalRequest('DELETE', path, {}));
  await claim('we-delete-in-flight', hash, path);
  await exchange('deleteWebhookEndpoint', 'key in flight', {
    id: other,
    idempotencyKey: 'we-delete-in-flight',
  });
}

beforeAll(async () => {
  // One failure per key prefix is enough for the throttle to refuse that prefix (429 rate_limit), for the
  // whole run: a window of an hour, so a slow machine never sees the prefix's 60-second window end midway.
  server = await startTestServer({
    pool: { lock_timeout: 300 },
    authThrottle: { perSource: 1000, perKeyPrefix: 1, windowMs: 3_600_000 },
  });
  unready = await startTestServer({ databaseDown: true });
  loadOperations((await call(server, 'GET', '/openapi.json')).json as Schema);
  expect((await call(server, 'GET', '/v1/balance', { key: THROTTLED_KEY })).status).toBe(401);

  const pm = (await exchange('createPaymentMethod', 'vaults a card', { json: card(CARDS.visa) })).json.id;
  const declinedPm = (await exchange('createPaymentMethod', 'vaults a card', { json: card(CARDS.declined) }))
    .json.id;
  await exchange('createPaymentMethod', 'card number fails Luhn', { json: card('4242424242424241') });
  await postErrors('createPaymentMethod', { json: card(CARDS.visa) });
  await reads('retrievePaymentMethod', pm);

  const create = (label: string, json: Record<string, unknown>) =>
    exchange('createPaymentIntent', label, { json });
  const open = (await create('creates', { amount: 1000, currency: 'usd', payment_method: pm })).json.id;
  const held = (
    await create('authorizes', {
      amount: 2000,
      currency: 'eur',
      payment_method: pm,
      confirm: true,
      capture_method: 'manual',
      description: 'order 42',
      metadata: { order: '42' },
    })
  ).json.id;
  const paidIntent = (
    await create('captures at once', { amount: 3000, currency: 'usd', payment_method: pm, confirm: true })
  ).json;
  const paid = paidIntent.id;
  const paidCharge = paidIntent.latest_charge;
  const declinedError = (
    await create('declined', { amount: 500, currency: 'usd', payment_method: declinedPm, confirm: true })
  ).json.error;
  const declined = declinedError.payment_intent.id;
  const declinedCharge = declinedError.charge;
  const unpaid = (await create('creates without a payment method', { amount: 700, currency: 'jpy' })).json.id;
  await create('unknown payment method', { amount: 500, currency: 'usd', payment_method: 'pm_missing' });
  await postErrors('createPaymentIntent', { json: { amount: 100, currency: 'usd' } });

  // a declined intent: its last_payment_error is validated too
  await reads('retrievePaymentIntent', declined, {
    operation: 'listPaymentIntents',
    cursor: 'starting_after',
  });

  await exchange('retrievePaymentIntent', 'expanded', {
    id: paid,
    query: '?expand[]=latest_charge&expand[]=payment_method&expand[]=customer',
  });
  await exchange('listPaymentIntents', 'created range, expanded', {
    query: '?created[gte]=0&expand[]=data.latest_charge',
  });
  await exchange('searchPaymentIntents', 'by status and metadata, first page', {
    query: `?query=${encodeURIComponent("status:'succeeded' OR metadata['order']:'42'")}&limit=1`,
  });
  await exchange('searchPaymentIntents', 'field that is not searchable', {
    query: `?query=${encodeURIComponent("customer_email:'x'")}`,
  });
  await getErrors('searchPaymentIntents');
  await exchange('updatePaymentIntent', 'updates', {
    id: open,
    json: {
      amount: 1100,
      description: 'updated',
      metadata: { order: '43' },
      receipt_email: 'ada@example.com',
      shipping: { name: 'Ada', address: { line1: '1 Main St', country: 'GB' } },
      statement_descriptor_suffix: 'ORDER 43',
    },
  });
  await exchange('updatePaymentIntent', 'unknown id', { id: 'pi_missing', json: { description: 'x' } });
  await postErrors('updatePaymentIntent', { id: open, json: { description: 'again' } });
  await exchange('confirmPaymentIntent', 'confirms', { id: open, json: { expand: ['latest_charge'] } });
  await exchange('confirmPaymentIntent', 'declined', { id: declined, json: { payment_method: declinedPm } });
  await exchange('confirmPaymentIntent', 'unknown id', { id: 'pi_missing', json: {} });
  await postErrors('confirmPaymentIntent', { id: unpaid, json: {} });

  await exchange('capturePaymentIntent', 'captures part', { id: held, json: { amount_to_capture: 1500 } });
  await exchange('capturePaymentIntent', 'unknown id', { id: 'pi_missing', json: {} });
  await postErrors('capturePaymentIntent', { id: held, json: {} });

  await exchange('cancelPaymentIntent', 'cancels', {
    id: unpaid,
    json: { cancellation_reason: 'abandoned' },
  });
  await exchange('cancelPaymentIntent', 'unknown id', { id: 'pi_missing', json: {} });
  await postErrors('cancelPaymentIntent', { id: unpaid, json: {} });

  const refund = (
    await exchange('createRefund', 'refunds part', {
      json: {
        payment_intent: paid,
        amount: 1000,
        reason: 'requested_by_customer',
        metadata: { ticket: '7' },
      },
    })
  ).json.id;
  await exchange('createRefund', 'unknown payment intent', { json: { payment_intent: 'pi_missing' } });
  await postErrors('createRefund', { json: { payment_intent: paid } });
  await reads('retrieveRefund', refund, { operation: 'listRefunds', cursor: 'ending_before' });
  await exchange('listRefunds', 'filtered by payment intent and charge', {
    query: `?payment_intent=${paid}&charge=${paidCharge}`,
  });
  await exchange('createRefund', 'refunds by charge', { json: { charge: paidCharge, amount: 500 } });
  await exchange('createRefund', 'unknown charge', { json: { charge: 'ch_missing' } });

  // a succeeded charge with its balance transaction, and a failed one (no balance transaction)
  await reads('retrieveCharge', paidCharge, { operation: 'listCharges', cursor: 'starting_after' });
  await exchange('retrieveCharge', 'failed charge', { id: declinedCharge });
  await exchange('listCharges', 'filtered by payment intent', { query: `?payment_intent=${paid}` });
  const txn = (await exchange('listBalanceTransactions', 'refunds', { query: '?type=refund' })).json.data[0]
    .id;
  await reads('retrieveBalanceTransaction', txn, {
    operation: 'listBalanceTransactions',
    cursor: 'ending_before',
  });

  // The events of the payments above, once the relay recorded them (ADR 0031).
  await new EventRelay(
    server.db,
    new InMemoryFifoQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 }),
    { batchSize: 100, leaseSeconds: 30 },
  ).runOnce();
  const event = (await exchange('listEvents', 'charge events', { query: '?type=charge.*' })).json.data[0].id;
  await exchange('listEvents', 'by types and created', {
    query: '?types[]=payment_intent.succeeded&types[]=refund.created&created[gte]=0',
  });
  await reads('retrieveEvent', event, { operation: 'listEvents', cursor: 'ending_before' });

  await customerExchanges();
  await webhookExchanges();

  await exchange('retrieveBalance', 'per currency');
  await getErrors('retrieveBalance');
  await exchange('health', 'alive');
  await exchange('ready', 'database reachable');
  await exchange('ready', 'database down', { on: unready });
  await exchange('openapi', 'this document');
  for (const probe of ['health', 'ready', 'openapi']) {
    await rawExchange(probe, 'headers over the limit', { 'x-padding': 'a'.repeat(20_000) });
  }
}, 300_000); // ~110 exchanges; slow on a shared machine

afterAll(async () => {
  await server?.close();
  await unready?.close();
});

/** Copies of `body` that a strict schema must refuse: one unknown field per object, and — for a success —
 * one missing field per field (Stripe objects carry every field, null when unset). Metadata is free-form. */
function* mutations(body: unknown, withDeletions: boolean, at = ''): Generator<[string, unknown]> {
  if (Array.isArray(body)) {
    if (body.length > 0) {
      for (const [where, item] of mutations(body[0], withDeletions, `${at}/0`)) {
        yield [where, [item, ...body.slice(1)]];
      }
    }
    return;
  }
  if (body === null || typeof body !== 'object') return;
  const fields = body as Record<string, unknown>;
  yield [`${at}/unexpected_field added`, { ...fields, unexpected_field: { drift: true } }];
  for (const [name, value] of Object.entries(fields)) {
    if (withDeletions) {
      const { [name]: _removed, ...rest } = fields;
      yield [`${at}/${name} removed`, rest];
    }
    if (name === 'metadata') continue;
    for (const [where, mutated] of mutations(value, withDeletions, `${at}/${name}`)) {
      yield [where, { ...fields, [name]: mutated }];
    }
  }
}

describe('/openapi.json against the real responses', () => {
  it('every response of every operation has a documented status and a body that matches its schema', () => {
    const drift: string[] = [];
    for (const { operation, label, res } of exchanges) {
      const validate = operations.get(operation)?.responses.get(String(res.status));
      if (!validate) {
        drift.push(
          `${operation} (${label}): status ${res.status} is not documented: ${res.text.slice(0, 200)}`,
        );
      } else if (!validate(res.json)) {
        drift.push(`${operation} (${label}) ${res.status}: ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(drift).toEqual([]);
  });

  it('drives every documented operation through every status it documents', () => {
    expect(operations.size).toBe(49);
    for (const [operation, op] of operations) {
      const answered = new Set(
        exchanges.filter((e) => e.operation === operation).map((e) => String(e.res.status)),
      );
      expect([...answered].sort(), operation).toEqual([...op.responses.keys()].sort());
    }
  });

  it('its schemas require every field and allow no other: a drifted response fails them', () => {
    let checked = 0;
    for (const { operation, label, res } of exchanges) {
      const validate = operations.get(operation)?.responses.get(String(res.status));
      if (!validate || operation === 'openapi' || !validate(res.json)) continue;
      for (const [where, mutated] of mutations(res.json, res.status === 200)) {
        expect(validate(mutated), `${operation} (${label}) ${res.status}: ${where}`).toBe(false);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(exchanges.length);
  });
});
