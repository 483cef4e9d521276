import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getCharge } from '../app/charges.js';
import { getCustomer } from '../app/customers.js';
import type { Deps } from '../app/deps.js';
import { getPaymentMethod } from '../app/payment-methods.js';
import { chargeObject, paymentMethodObject } from '../app/serialize.js';
import { customerObject } from '../app/serialize-customers.js';
import type { Params } from './params.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The `expand[]` paths the handler accepted; the response's fields are expanded before it is sent. */
    expandPaths?: readonly string[];
  }
}

type Expander = (deps: Deps, merchantId: string, id: string) => Promise<unknown>;

/**
 * The fields of a payment intent that `expand[]` may replace by their object. A field that is null stays
 * null (Stripe expands nothing then), so `customer` is expandable on every intent.
 */
const PAYMENT_INTENT_EXPANDERS: Readonly<Record<string, Expander>> = {
  latest_charge: async (deps, merchantId, id) => chargeObject(await getCharge(deps, merchantId, id)),
  payment_method: async (deps, merchantId, id) =>
    paymentMethodObject(await getPaymentMethod(deps, merchantId, id)),
  customer: async (deps, merchantId, id) => customerObject(await getCustomer(deps, merchantId, id)),
};

/** The `expand[]` of a payment intent request (`data.`-prefixed for a list); any other path is a 400. */
export function readIntentExpand(req: FastifyRequest, p: Params, list = false): void {
  const allowed = Object.keys(PAYMENT_INTENT_EXPANDERS).map((f) => (list ? `data.${f}` : f));
  const paths = p.stringArray('expand', allowed) ?? [];
  req.expandPaths = paths.map((path) => (list ? path.slice('data.'.length) : path));
}

async function expandIntent(
  deps: Deps,
  merchantId: string,
  intent: Record<string, unknown>,
  paths: readonly string[],
): Promise<void> {
  for (const path of paths) {
    const value = intent[path];
    const expander = PAYMENT_INTENT_EXPANDERS[path];
    if (typeof value === 'string' && expander) intent[path] = await expander(deps, merchantId, value);
  }
}

/**
 * Expands the accepted paths in a successful JSON response — a payment intent, or each one of a list —
 * after it is rendered, so a replayed idempotent response is expanded exactly as the first one was.
 */
export function registerExpansion(app: FastifyInstance, deps: Deps): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const paths = req.expandPaths;
    if (!paths || paths.length === 0 || reply.statusCode !== 200 || typeof payload !== 'string')
      return payload;
    const merchantId = req.merchant?.merchantId;
    if (!merchantId) return payload;
    const body = JSON.parse(payload) as { object?: string; data?: Record<string, unknown>[] };
    const many = body.object === 'list' || body.object === 'search_result';
    const intents = many ? (body.data ?? []) : [body as Record<string, unknown>];
    for (const intent of intents) await expandIntent(deps, merchantId, intent, paths);
    return JSON.stringify(body);
  });
}
