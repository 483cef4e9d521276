import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommitHook, Rendered, RequestContext } from '../app/context.js';
import {
  changeCustomer,
  createCustomer,
  getCustomer,
  listCustomersOf,
  metadataChange,
  removeCustomer,
} from '../app/customers.js';
import type { Deps } from '../app/deps.js';
import { attach, detach, listPaymentMethodsOf, prepareAttach, update } from '../app/payment-methods.js';
import { customerObject, deletedCustomerObject, tokenObject } from '../app/serialize-customers.js';
import { listObject, paymentMethodObject } from '../app/serialize.js';
import { createToken, getToken, prepareTokenUse, type TokenWithCard } from '../app/tokens.js';
import type { CustomerRecord } from '../store/customer-store.js';
import type { PaymentMethodRecord } from '../store/records.js';
import { billingDetailsParam, customerFieldsParam } from './customer-params.js';
import { pageOf, Params } from './params.js';

/** How the routes run a POST under the Idempotency-Key rules (routes.ts's `idem`). */
export type Idem = <T>(
  req: FastifyRequest,
  reply: FastifyReply,
  run: (hook: CommitHook<T>) => Promise<T>,
  render: (r: T) => Rendered,
) => Promise<FastifyReply>;

const ok =
  <T>(present: (r: T) => unknown) =>
  (r: T): Rendered => ({ status: 200, body: present(r) });

const pathId = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Customers, saved cards (attach, detach, update, list) and card tokens (ADR 0026). */
export function registerCustomerRoutes(
  app: FastifyInstance,
  deps: Deps,
  ctxOf: (req: FastifyRequest) => RequestContext,
  idem: Idem,
): void {
  // ---- customers ----
  app.post('/v1/customers', async (req, reply) => {
    const p = new Params(req.body);
    const fields = customerFieldsParam(p, req.body, false);
    const metadata = p.metadata();
    const paymentMethod = p.id('payment_method', 'pm');
    const source = p.id('source', 'tok');
    p.done();
    return idem<CustomerRecord>(
      req,
      reply,
      async (hook) => {
        const ctx = ctxOf(req);
        const saveCard = source
          ? await prepareTokenUse(deps, ctx, { tokenId: source, param: 'source', metadata: {} })
          : paymentMethod
            ? await prepareAttach(deps, ctx, paymentMethod, hook.attempt.objectId('pm'))
            : undefined;
        return createCustomer(deps, ctx, { fields, metadata, ...(saveCard ? { saveCard } : {}) }, hook);
      },
      ok(customerObject),
    );
  });

  app.get('/v1/customers', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const email = p.string('email', { maxLength: 512 });
    p.done();
    const { items, hasMore } = await listCustomersOf(deps, ctxOf(req).merchantId, email, page);
    return listObject('/v1/customers', items.map(customerObject), hasMore);
  });

  app.get('/v1/customers/:id', async (req) => {
    new Params(req.query).done();
    return customerObject(await getCustomer(deps, ctxOf(req).merchantId, pathId(req)));
  });

  app.post('/v1/customers/:id', async (req, reply) => {
    const p = new Params(req.body);
    const fields = customerFieldsParam(p, req.body, true);
    const metadata = p.metadata();
    p.done();
    return idem<CustomerRecord>(
      req,
      reply,
      (hook) => changeCustomer(deps, ctxOf(req), pathId(req), { fields, metadata }, hook),
      ok(customerObject),
    );
  });

  app.delete('/v1/customers/:id', async (req, reply) => {
    new Params(req.query).done();
    return idem<{ id: string }>(
      req,
      reply,
      (hook) => removeCustomer(deps, ctxOf(req), pathId(req), hook),
      ok((r) => deletedCustomerObject(r.id)),
    );
  });

  app.get('/v1/customers/:id/payment_methods', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    p.enumeration('type', ['card'], 'card');
    p.done();
    const customer = pathId(req);
    const { items, hasMore } = await listPaymentMethodsOf(deps, ctxOf(req).merchantId, customer, page);
    return listObject(`/v1/customers/${customer}/payment_methods`, items.map(paymentMethodObject), hasMore);
  });

  // ---- saved cards ----
  app.get('/v1/payment_methods', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const customer = p.id('customer', 'cus');
    p.enumeration('type', ['card'], 'card');
    p.done();
    const { items, hasMore } = await listPaymentMethodsOf(deps, ctxOf(req).merchantId, customer, page);
    return listObject('/v1/payment_methods', items.map(paymentMethodObject), hasMore);
  });

  app.post('/v1/payment_methods/:id/attach', async (req, reply) => {
    const p = new Params(req.body);
    const customer = p.id('customer', 'cus', true);
    p.done();
    return idem<PaymentMethodRecord>(
      req,
      reply,
      (hook) => attach(deps, ctxOf(req), pathId(req), customer, hook),
      ok(paymentMethodObject),
    );
  });

  app.post('/v1/payment_methods/:id/detach', async (req, reply) => {
    new Params(req.body).done();
    return idem<PaymentMethodRecord>(
      req,
      reply,
      (hook) => detach(deps, ctxOf(req), pathId(req), hook),
      ok(paymentMethodObject),
    );
  });

  app.post('/v1/payment_methods/:id', async (req, reply) => {
    const p = new Params(req.body);
    const billingDetails = billingDetailsParam(p);
    const metadata = metadataChange(p.metadata());
    const card = p.object('card');
    const expMonth = card?.integer('exp_month', { min: 1, max: 12 }) ?? undefined;
    const expYear = card?.integer('exp_year', { min: 2000, max: 9999 }) ?? undefined;
    card?.done();
    p.done();
    const changes = {
      metadata,
      ...(billingDetails ? { billingDetails } : {}),
      ...(expMonth === undefined ? {} : { expMonth }),
      ...(expYear === undefined ? {} : { expYear }),
    };
    return idem<PaymentMethodRecord>(
      req,
      reply,
      (hook) => update(deps, ctxOf(req), pathId(req), changes, hook),
      ok(paymentMethodObject),
    );
  });

  // ---- card tokens ----
  app.post('/v1/tokens', async (req, reply) => {
    const p = new Params(req.body);
    const card = p.object('card', true);
    const number = card.string('number', { required: true, maxLength: 32 });
    const expMonth = card.integer('exp_month', { required: true, min: 1, max: 12 });
    const expYear = card.integer('exp_year', { required: true, min: 0, max: 9999 });
    const cvc = card.string('cvc', { maxLength: 4, pattern: /^\d{3,4}$/ });
    card.done();
    p.done();
    const input = { number, exp_month: expMonth, exp_year: expYear, ...(cvc ? { cvc } : {}) };
    return idem<TokenWithCard>(
      req,
      reply,
      (hook) => createToken(deps, ctxOf(req), input, hook),
      ok(tokenObject),
    );
  });

  app.get('/v1/tokens/:id', async (req) => {
    new Params(req.query).done();
    return tokenObject(await getToken(deps, ctxOf(req).merchantId, pathId(req)));
  });
}
