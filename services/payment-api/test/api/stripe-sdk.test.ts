import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARDS, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let stripe: Stripe;

beforeAll(async () => {
  server = await startTestServer();
  stripe = new Stripe(server.key, {
    host: '127.0.0.1',
    port: server.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(async () => {
  await server?.close();
});

const card = (number: string) => ({
  type: 'card' as const,
  card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
});

describe('official stripe SDK against the local server', () => {
  it('payment method → create+confirm (manual) → partial capture → refund → balance', async () => {
    const pm = await stripe.paymentMethods.create(card(CARDS.visa) as Stripe.PaymentMethodCreateParams);
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card?.last4).toBe('4242');
    expect(pm.card?.brand).toBe('visa');

    const pi = await stripe.paymentIntents.create(
      {
        amount: 10_000,
        currency: 'usd',
        payment_method: pm.id,
        confirm: true,
        capture_method: 'manual',
        metadata: { order: 'A-1' },
      },
      { idempotencyKey: 'sdk-create-1' },
    );
    expect(pi.status).toBe('requires_capture');
    expect(pi.metadata).toEqual({ order: 'A-1' });

    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 7_500 });
    expect(captured.status).toBe('succeeded');
    expect(captured.amount_received).toBe(7_500);

    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 2_500 });
    expect(refund.status).toBe('succeeded');
    expect(refund.amount).toBe(2_500);
    expect((await stripe.refunds.retrieve(refund.id)).payment_intent).toBe(pi.id);

    const retrieved = await stripe.paymentIntents.retrieve(pi.id);
    expect(retrieved.amount_received).toBe(7_500);

    const balance = await stripe.balance.retrieve();
    // captured 7 500 is pending until settled (ADR 0032); the refund came out of available at once
    expect(balance.available.find((b) => b.currency === 'usd')?.amount).toBe(-2_500);
    expect(balance.pending.find((b) => b.currency === 'usd')?.amount).toBe(7_500);

    const listed = await stripe.paymentIntents.list({ limit: 1 });
    expect(listed.data[0]?.id).toBe(pi.id);
    const all = await stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(all.map((p) => p.id)).toContain(pi.id);
    const refunds = await stripe.refunds.list();
    expect(refunds.data.map((r) => r.id)).toEqual([refund.id]);
  });

  it('create then confirm separately, and cancel', async () => {
    const pm = await stripe.paymentMethods.create(card(CARDS.visa) as Stripe.PaymentMethodCreateParams);
    const pi = await stripe.paymentIntents.create({ amount: 1_000, currency: 'eur' });
    expect(pi.status).toBe('requires_payment_method');
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id });
    expect(confirmed.status).toBe('succeeded');
    const other = await stripe.paymentIntents.create({ amount: 500, currency: 'eur', payment_method: pm.id });
    const canceled = await stripe.paymentIntents.cancel(other.id, { cancellation_reason: 'abandoned' });
    expect(canceled.status).toBe('canceled');
  });

  it.each([
    [CARDS.declined, 'card_declined', 'generic_decline'],
    [CARDS.insufficientFunds, 'card_declined', 'insufficient_funds'],
    [CARDS.expired, 'expired_card', 'expired_card'],
    [CARDS.incorrectCvc, 'incorrect_cvc', 'incorrect_cvc'],
    [CARDS.processingError, 'processing_error', 'processing_error'],
  ])('test card %s raises StripeCardError %s/%s', async (number, code, declineCode) => {
    const pm = await stripe.paymentMethods.create(card(number) as Stripe.PaymentMethodCreateParams);
    const err = await stripe.paymentIntents
      .create({ amount: 2_000, currency: 'usd', payment_method: pm.id, confirm: true })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = err as InstanceType<typeof Stripe.errors.StripeCardError>;
    expect(cardError.statusCode).toBe(402);
    expect(cardError.code).toBe(code);
    expect(cardError.decline_code).toBe(declineCode);
    expect(cardError.payment_intent?.status).toBe('requires_payment_method');
  });

  it('maps errors to the SDK typed errors', async () => {
    const invalid = await stripe.paymentIntents
      .create({ amount: -5, currency: 'usd' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((invalid as Stripe.errors.StripeInvalidRequestError).param).toBe('amount');

    const missing = await stripe.paymentIntents.retrieve('pi_missing').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((missing as Stripe.errors.StripeInvalidRequestError).statusCode).toBe(404);
    expect((missing as Stripe.errors.StripeInvalidRequestError).code).toBe('resource_missing');

    const unauth = new Stripe('sk_test_wrongwrongwrongwrongwrong', {
      host: '127.0.0.1',
      port: server.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await expect(unauth.balance.retrieve()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);

    await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'sdk-idem-1' });
    const reused = await stripe.paymentIntents
      .create({ amount: 101, currency: 'usd' }, { idempotencyKey: 'sdk-idem-1' })
      .catch((e: unknown) => e);
    // Stripe's answer: 400 idempotency_error, which the SDK raises as StripeIdempotencyError
    expect(reused).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((reused as Stripe.errors.StripeError).statusCode).toBe(400);

    const badCard = await stripe.paymentMethods
      .create(card('4242424242424241') as Stripe.PaymentMethodCreateParams)
      .catch((e: unknown) => e);
    expect(badCard).toBeInstanceOf(Stripe.errors.StripeCardError);

    // Stripe Connect is not implemented: the SDK's stripeAccount option is refused, never ignored
    const connect = await stripe.balance
      .retrieve({}, { stripeAccount: 'acct_connected1' })
      .catch((e: unknown) => e);
    expect(connect).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect((connect as Stripe.errors.StripePermissionError).code).toBe('account_invalid');
  });
});
