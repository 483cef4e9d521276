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
  const stripe = new Stripe(server.key, {
    host: '127.0.0.1',
    port: server.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
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
