import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getBalance } from '../app/balance.js';
import type { CommitHook, Rendered, RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { createIntent, getIntent, listIntents, type IntentResult } from '../app/payment-intents.js';
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
} from '../app/serialize.js';
import { CANCELLATION_REASONS, MAX_AMOUNT } from '../domain/payment-intent.js';
import type { PaymentMethodRecord } from '../store/records.js';
import { invalidRequest } from './errors.js';
import { runIdempotent } from './idempotent.js';
import { billingDetailsParam } from './customer-params.js';
import { registerCustomerRoutes } from './customer-routes.js';
import { registerSetupIntentRoutes } from './setup-intent-routes.js';
import { listPage, pageParams, Params } from './params.js';

declare module 'fastify' {
  interface FastifyRequest {
    merchant: RequestContext | null;
  }
}

const ok =
  <T>(present: (r: T) => unknown) =>
  (r: T): Rendered => ({ status: 200, body: present(r) });

function ctxOf(req: FastifyRequest): RequestContext {
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

function pathId(req: FastifyRequest): string {
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
    const metadata = p.metadata();
    p.stringArray('payment_method_types', ['card']);
    const customerId = p.id('customer', 'cus');
    const setupFutureUsage = p.enumeration('setup_future_usage', SETUP_FUTURE_USAGES, null);
    const offSession = offSessionParam(p, confirm);
    const returnUrl = returnUrlParam(p, confirm);
    p.done();
    const input = {
      amount,
      currency,
      paymentMethodId,
      confirm,
      captureMethod,
      description,
      metadata,
      customerId,
      setupFutureUsage,
      offSession,
      returnUrl,
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
    const page = pageParams(p);
    const customer = p.id('customer', 'cus');
    p.done();
    const { items, hasMore } = await listIntents(deps, ctxOf(req).merchantId, page, customer);
    return listObject('/v1/payment_intents', items.map(paymentIntentObject), hasMore);
  });

  app.get('/v1/payment_intents/:id', async (req) => {
    new Params(req.query).done();
    return paymentIntentObject(await getIntent(deps, ctxOf(req).merchantId, pathId(req)));
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
    const paymentIntentId = p.id('payment_intent', 'pi', true);
    const amount = p.integer('amount', { min: 1, max: MAX_AMOUNT });
    const reason = p.enumeration('reason', REFUND_REASONS, null);
    const metadata = p.metadata();
    p.done();
    return resumable(
      req,
      reply,
      resumableRequest('refund.create', { paymentIntentId, amount, reason, metadata }),
    );
  });

  app.get('/v1/refunds', async (req) => {
    const page = listPage(req.query);
    const { items, hasMore } = await listRefunds(deps, ctxOf(req).merchantId, page);
    return listObject('/v1/refunds', items.map(refundObject), hasMore);
  });

  app.get('/v1/refunds/:id', async (req) => {
    new Params(req.query).done();
    return refundObject(await getRefund(deps, ctxOf(req).merchantId, pathId(req)));
  });

  registerCustomerRoutes(app, deps, ctxOf, idem);
  registerSetupIntentRoutes(app, deps, ctxOf, idem);

  // ---- balance ----
  app.get('/v1/balance', async (req) => {
    new Params(req.query).done();
    return balanceObject(await getBalance(deps, ctxOf(req).merchantId));
  });
}
