import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getBalance } from '../app/balance.js';
import type { CommitHook, Rendered, RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import {
  createIntent,
  getIntent,
  listIntents,
  searchIntents,
  type IntentResult,
} from '../app/payment-intents.js';
import { createPaymentMethod, getPaymentMethod } from '../app/payment-methods.js';
import { getRefund, listRefunds, REFUND_REASONS } from '../app/refunds.js';
import { resumableRequest, type ResumableRequest } from '../app/resumable.js';
import {
  balanceObject,
  intentResponse,
  listObject,
  paymentIntentObject,
  paymentMethodObject,
  refundObject,
  searchResultObject,
} from '../app/serialize.js';
import { CANCELLATION_REASONS, MAX_AMOUNT } from '../domain/payment-intent.js';
import type { PaymentIntentRecord, PaymentMethodRecord } from '../store/records.js';
import { updateIntent } from '../app/intent-updates.js';
import { checkMinimumAmount } from '../domain/currency.js';
import { readIntentDetails, withoutEmpty } from './intent-params.js';
import { readIntentExpand } from './expand.js';
import { runIdempotent } from './idempotent.js';
import { createdRange, optional, pageOf, Params } from './params.js';

declare module 'fastify' {
  interface FastifyRequest {
    merchant: RequestContext | null;
  }
}

const ok =
  <T>(present: (r: T) => unknown) =>
  (r: T): Rendered => ({ status: 200, body: present(r) });

export function ctxOf(req: FastifyRequest): RequestContext {
  if (!req.merchant) throw new Error('route registered without authentication');
  return req.merchant;
}

export function pathId(req: FastifyRequest): string {
  return (req.params as { id: string }).id;
}

export function registerRoutes(app: FastifyInstance, deps: Deps, leaseSeconds: number): void {
  const idem = <T>(
    req: FastifyRequest,
    reply: FastifyReply,
    run: (hook: CommitHook<T>) => Promise<T>,
    render: (r: T) => Rendered,
  ) => runIdempotent<T>(deps, leaseSeconds, req, reply, ctxOf(req), run, render);
  /** A request that may call the acquirer: it always runs under a key that records its attempt. */
  const resumable = (req: FastifyRequest, reply: FastifyReply, request: ResumableRequest) =>
    runIdempotent(
      deps,
      leaseSeconds,
      req,
      reply,
      ctxOf(req),
      (hook) => request.run(deps, ctxOf(req), hook),
      (r) => request.render(r),
      request,
    );

  // ---- payment methods ----
  app.post('/v1/payment_methods', async (req, reply) => {
    const p = new Params(req.body);
    p.enumeration('type', ['card'], 'card');
    const card = p.object('card', true);
    const number = card.string('number', { required: true, maxLength: 32 });
    const expMonth = card.integer('exp_month', { required: true, min: 1, max: 12 });
    const expYear = card.integer('exp_year', { required: true, min: 0, max: 9999 });
    const cvc = card.string('cvc', { maxLength: 4, pattern: /^\d{3,4}$/ });
    card.done();
    const metadata = p.metadata();
    p.done();
    const input = {
      card: { number, exp_month: expMonth, exp_year: expYear, ...(cvc ? { cvc } : {}) },
      metadata,
    };
    return idem(
      req,
      reply,
      (hook) => createPaymentMethod(deps, ctxOf(req), input, hook),
      ok<PaymentMethodRecord>(paymentMethodObject),
    );
  });

  app.get('/v1/payment_methods/:id', async (req) => {
    new Params(req.query).done();
    return paymentMethodObject(await getPaymentMethod(deps, ctxOf(req).merchantId, pathId(req)));
  });

  // ---- payment intents ----
  app.post('/v1/payment_intents', async (req, reply) => {
    const p = new Params(req.body);
    const amount = p.integer('amount', { required: true, min: 1, max: MAX_AMOUNT });
    const currency = p.currency('currency');
    const paymentMethodId = p.id('payment_method', 'pm');
    const confirm = p.boolean('confirm', false);
    const captureMethod =
      p.enumeration('capture_method', ['automatic', 'manual'] as const, 'automatic') ?? 'automatic';
    const description = p.string('description', { maxLength: 1000 });
    const metadata = withoutEmpty(p.metadata());
    p.stringArray('payment_method_types', ['card']);
    const details = withoutEmpty(readIntentDetails(p, { paymentMethodOptions: true }));
    readIntentExpand(req, p);
    p.done();
    checkMinimumAmount(amount, currency);
    // payment_method_options[card][capture_method] overrides capture_method for card payments (Stripe's rule)
    const effective = details.card_capture_method === 'manual' ? 'manual' : captureMethod;
    const input = {
      amount,
      currency,
      paymentMethodId,
      confirm,
      captureMethod: effective,
      description,
      metadata,
      details: effective === captureMethod ? details : { ...details, capture_method: captureMethod },
    };
    if (confirm) return resumable(req, reply, resumableRequest('payment_intent.create_and_confirm', input));
    return idem<IntentResult>(
      req,
      reply,
      (hook) => createIntent(deps, ctxOf(req), input, hook),
      intentResponse,
    );
  });

  app.get('/v1/payment_intents', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p, true);
    const created = createdRange(p);
    readIntentExpand(req, p, true);
    p.done();
    const { items, hasMore } = await listIntents(deps, ctxOf(req).merchantId, page, created);
    return listObject('/v1/payment_intents', items.map(paymentIntentObject), hasMore);
  });

  app.get('/v1/payment_intents/search', async (req) => {
    const p = new Params(req.query);
    const query = p.string('query', { required: true, maxLength: 5000 });
    const limit = p.integer('limit', { min: 1, max: 100 }) ?? 10;
    const page = p.id('page', 'pi');
    readIntentExpand(req, p, true);
    p.done();
    const { items, hasMore } = await searchIntents(deps, ctxOf(req).merchantId, query, limit, page);
    const nextPage = hasMore ? (items[items.length - 1]?.id ?? null) : null;
    return searchResultObject('/v1/payment_intents/search', items.map(paymentIntentObject), nextPage);
  });

  app.get('/v1/payment_intents/:id', async (req) => {
    const p = new Params(req.query);
    readIntentExpand(req, p);
    p.done();
    return paymentIntentObject(await getIntent(deps, ctxOf(req).merchantId, pathId(req)));
  });

  app.post('/v1/payment_intents/:id', async (req, reply) => {
    const p = new Params(req.body);
    const amount = p.integer('amount', { min: 1, max: MAX_AMOUNT }) ?? undefined;
    const currency = p.has('currency') ? p.currency('currency') : undefined;
    const paymentMethodId = p.id('payment_method', 'pm') ?? undefined;
    const description = p.has('description')
      ? p.string('description', { maxLength: 1000 }) || null
      : undefined;
    const metadata = p.metadata();
    const details = readIntentDetails(p, { paymentMethodOptions: false });
    readIntentExpand(req, p);
    p.done();
    const update = { amount, currency, paymentMethodId, description, metadata, details };
    return idem<PaymentIntentRecord>(
      req,
      reply,
      async (hook) => {
        const updated = await updateIntent(deps, ctxOf(req), pathId(req), update, hook);
        return updated;
      },
      ok<PaymentIntentRecord>(paymentIntentObject),
    );
  });

  /** confirm, capture and cancel: parse the body, then run the change under its key. */
  const intentChange = <I>(
    action: 'confirm' | 'capture' | 'cancel',
    parse: (p: Params) => I,
    request: (id: string, input: I) => ResumableRequest,
  ) =>
    app.post(`/v1/payment_intents/:id/${action}`, async (req, reply) => {
      const p = new Params(req.body);
      const input = parse(p);
      readIntentExpand(req, p);
      p.done();
      return resumable(req, reply, request(pathId(req), input));
    });
  intentChange(
    'confirm',
    (p) => p.id('payment_method', 'pm'),
    (id, paymentMethodId) => resumableRequest('payment_intent.confirm', { id, paymentMethodId }),
  );
  intentChange(
    'capture',
    (p) => p.integer('amount_to_capture', { min: 1, max: MAX_AMOUNT }),
    (id, amountToCapture) => resumableRequest('payment_intent.capture', { id, amountToCapture }),
  );
  intentChange(
    'cancel',
    (p) => p.enumeration('cancellation_reason', CANCELLATION_REASONS, null),
    (id, reason) => resumableRequest('payment_intent.cancel', { id, reason }),
  );

  // ---- refunds ----
  app.post('/v1/refunds', async (req, reply) => {
    const p = new Params(req.body);
    const charge = p.id('charge', 'ch');
    const paymentIntentId =
      charge === null ? p.id('payment_intent', 'pi', true) : p.id('payment_intent', 'pi');
    const amount = p.integer('amount', { min: 1, max: MAX_AMOUNT });
    const reason = p.enumeration('reason', REFUND_REASONS, null);
    const metadata = p.metadata();
    p.done();
    return resumable(
      req,
      reply,
      resumableRequest('refund.create', { paymentIntentId, charge, amount, reason, metadata }),
    );
  });

  app.get('/v1/refunds', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const filters = {
      ...optional('payment_intent', p.id('payment_intent', 'pi')),
      ...optional('charge', p.id('charge', 'ch')),
    };
    p.done();
    const { items, hasMore } = await listRefunds(deps, ctxOf(req).merchantId, page, filters);
    return listObject('/v1/refunds', items.map(refundObject), hasMore);
  });

  app.get('/v1/refunds/:id', async (req) => {
    new Params(req.query).done();
    return refundObject(await getRefund(deps, ctxOf(req).merchantId, pathId(req)));
  });

  // ---- balance ----
  app.get('/v1/balance', async (req) => {
    new Params(req.query).done();
    return balanceObject(await getBalance(deps, ctxOf(req).merchantId));
  });
}
