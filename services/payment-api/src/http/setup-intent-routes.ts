import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext } from '../app/context.js';
import type { Deps } from '../app/deps.js';
import { setupIntentObject } from '../app/serialize-customers.js';
import { listObject } from '../app/serialize.js';
import {
  cancelSetupIntent,
  confirmSetupIntent,
  createSetupIntent,
  getSetupIntent,
  listSetupIntentsOf,
} from '../app/setup-intents.js';
import type { SetupIntentRecord } from '../store/setup-intent-store.js';
import type { Idem } from './customer-routes.js';
import { pageOf, Params } from './params.js';

const pathId = (req: FastifyRequest) => (req.params as { id: string }).id;
const render = (si: SetupIntentRecord) => ({ status: 200, body: setupIntentObject(si) });

const SETUP_CANCELLATION_REASONS = ['abandoned', 'requested_by_customer', 'duplicate'] as const;

/** SetupIntents: create, retrieve, list, confirm, cancel. */
export function registerSetupIntentRoutes(
  app: FastifyInstance,
  deps: Deps,
  ctxOf: (req: FastifyRequest) => RequestContext,
  idem: Idem,
): void {
  app.post('/v1/setup_intents', async (req, reply) => {
    const p = new Params(req.body);
    const input = {
      customerId: p.id('customer', 'cus'),
      paymentMethodId: p.id('payment_method', 'pm'),
      // Stripe's default: a card set up now is charged later without the customer (off_session).
      usage: p.enumeration('usage', ['on_session', 'off_session'] as const, 'off_session') ?? 'off_session',
      confirm: p.boolean('confirm', false),
      description: p.string('description', { maxLength: 1000 }),
      metadata: p.metadata(),
    };
    p.stringArray('payment_method_types', ['card']);
    p.done();
    return idem<SetupIntentRecord>(
      req,
      reply,
      (hook) => createSetupIntent(deps, ctxOf(req), input, hook),
      render,
    );
  });

  app.get('/v1/setup_intents', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const customerId = p.id('customer', 'cus');
    const paymentMethodId = p.id('payment_method', 'pm');
    p.done();
    const filter = { customerId, paymentMethodId };
    const { items, hasMore } = await listSetupIntentsOf(deps, ctxOf(req).merchantId, filter, page);
    return listObject('/v1/setup_intents', items.map(setupIntentObject), hasMore);
  });

  app.get('/v1/setup_intents/:id', async (req) => {
    const p = new Params(req.query);
    p.string('client_secret', { maxLength: 255 });
    p.done();
    return setupIntentObject(await getSetupIntent(deps, ctxOf(req).merchantId, pathId(req)));
  });

  app.post('/v1/setup_intents/:id/confirm', async (req, reply) => {
    const p = new Params(req.body);
    const paymentMethodId = p.id('payment_method', 'pm');
    p.done();
    return idem<SetupIntentRecord>(
      req,
      reply,
      (hook) => confirmSetupIntent(deps, ctxOf(req), pathId(req), { paymentMethodId }, hook),
      render,
    );
  });

  app.post('/v1/setup_intents/:id/cancel', async (req, reply) => {
    const p = new Params(req.body);
    const reason = p.enumeration('cancellation_reason', SETUP_CANCELLATION_REASONS, null);
    p.done();
    return idem<SetupIntentRecord>(
      req,
      reply,
      (hook) => cancelSetupIntent(deps, ctxOf(req), pathId(req), reason, hook),
      render,
    );
  });
}
