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
import { paymentMethodFromToken } from '../app/tokens.js';
import { parseReturnUrl } from '../app/authentication.js';
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
import { invalidRequest } from './errors.js';
import { readIntentDetails, withoutEmpty } from './intent-params.js';
import { readIntentExpand } from './expand.js';
import { runIdempotent } from './idempotent.js';
import { billingDetailsParam } from './customer-params.js';
import { registerCustomerRoutes } from './customer-routes.js';
import { registerSetupIntentRoutes } from './setup-intent-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
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

const SETUP_FUTURE_USAGES = ['on_session', 'off_session'] as const;

/** Stripe's `off_session` (true, false, or one_off / recurring); only with a confirmation. */
function offSessionParam(p: Params, confirming: boolean): boolean {
  let offSession: boolean;
  try {
    offSession = p.boolean('off_session', false);
  } catch {
    offSession = p.enumeration('off_session', ['one_off', 'recurring'], null) !== null;
  }
  if (offSession && !confirming) {
    throw invalidRequest(
      'off_session can only be used when confirm=true.',
      'off_session',
      'parameter_invalid_string',
    );
  }
  return offSession;
}

/** Stripe's `return_url`: an absolute http(s) URL, only with a confirmation. */
function returnUrlParam(p: Params, confirming: boolean): string | null {
  const raw = p.string('return_url', { maxLength: 2048 });
  if (raw === null) return null;
  if (!confirming) {
    throw invalidRequest(
      'return_url can only be used when confirm=true.',
      'return_url',
      'parameter_invalid_string',
    );
  }
  const url = parseReturnUrl(raw);
  if (!url) {
    throw invalidRequest(
      `Invalid URL: ${raw.slice(0, 100)}. return_url must be an absolute http or https URL.`,
      'return_url',
      'url_invalid',
    );
  }
  return url;
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
    const billingDetails = billingDetailsParam(p);
    const token = card.id('token', 'tok');
    if (token) {
      card.done();
      const metadata = p.metadata();
      p.done();
      const use = {
        tokenId: token,
        param: 'card[token]',
        metadata,
        ...(billingDetails ? { billingDetails } : {}),
      };
      return idem(
        req,
        reply,
        (hook) => paymentMethodFromToken(deps, ctxOf(req), use, hook),
        ok<PaymentMethodRecord>(paymentMethodObject),
      );
    }
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
      ...(billingDetails ? { billingDetails } : {}),
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
    const customerId = p.id('customer', 'cus');
    const setupFutureUsage = p.enumeration('setup_future_usage', SETUP_FUTURE_USAGES, null);
    const offSession = offSessionParam(p, confirm);
    const returnUrl = returnUrlParam(p, confirm);
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
      customerId,
      setupFutureUsage,
      offSession,
      returnUrl,
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
    const customer = p.id('customer', 'cus');
    readIntentExpand(req, p, true);
    p.done();
    const { items, hasMore } = await listIntents(deps, ctxOf(req).merchantId, page, created, customer);
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
    (p) => ({
      paymentMethodId: p.id('payment_method', 'pm'),
      setupFutureUsage: p.enumeration('setup_future_usage', SETUP_FUTURE_USAGES, null),
      offSession: offSessionParam(p, true),
      returnUrl: returnUrlParam(p, true),
    }),
    (id, confirm) => resumableRequest('payment_intent.confirm', { id, ...confirm }),
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

  registerCustomerRoutes(app, deps, ctxOf, idem);
  registerSetupIntentRoutes(app, deps, ctxOf, idem);
  registerWebhookRoutes(app, deps, ctxOf, idem);

  // ---- balance ----
  app.get('/v1/balance', async (req) => {
    new Params(req.query).done();
    return balanceObject(await getBalance(deps, ctxOf(req).merchantId));
  });
}
