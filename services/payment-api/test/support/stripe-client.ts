import Stripe from 'stripe';
import type { TestServer } from './server.js';

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
