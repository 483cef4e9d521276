import Stripe from 'stripe';
import { PgliteDatabase } from '../../src/db/pglite.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/** The databases the SDK suites run against: real PostgreSQL, and the embedded default (PGlite). */
export const BACKENDS = ['postgresql', 'pglite'] as const;
export type Backend = (typeof BACKENDS)[number];

/** A test server on `backend` and the official SDK pointed at it. */
export async function startSdkServer(
  backend: Backend,
  opts: TestServerOptions = {},
): Promise<{ server: TestServer; stripe: Stripe; close(): Promise<void> }> {
  const pglite = backend === 'pglite' ? await PgliteDatabase.open(null) : null;
  const server = await startTestServer({ ...opts, ...(pglite ? { db: pglite } : {}) });
  const stripe = stripeClient(server);
  return {
    server,
    stripe,
    async close() {
      await server.close();
      await pglite?.close();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof Stripe.errors.StripeError)) throw outcome.error;
  return outcome.error;
}

/** The official SDK pointed at a test server (no retries: a test sees every answer). */
export function stripeClient(server: Pick<TestServer, 'key' | 'port'>, key = server.key): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: server.port, protocol: 'http', maxNetworkRetries: 0 });
}

/** A card payment method as Stripe's docs create one from raw card data. */
export function cardParams(number: string): Stripe.PaymentMethodCreateParams {
  return {
    type: 'card',
    card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
  } as Stripe.PaymentMethodCreateParams;
}
