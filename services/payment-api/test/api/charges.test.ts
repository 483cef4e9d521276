import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDrift } from '../../src/store/ledger-store.js';
import { CARDS, type TestServer } from '../support/server.js';
import { sdkBackends } from '../support/backends.js';
import { cardParams, stripeClient } from '../support/stripe-client.js';

/**
 * Charges, refunds by charge and balance transactions through the official SDK, with the service's default
 * fee schedule (Stripe's 2.9 % + 30¢), on real PostgreSQL and on the embedded default (PGlite).
 */
const backends = sdkBackends('charges', { fees: 'stripe' });

describe.each(backends)('charges and balance transactions (%s)', (_name, start) => {
  let server: TestServer;
  let close: () => Promise<void>;
  let stripe: Stripe;
  let visa: string;

  beforeAll(async () => {
    ({ server, close } = await start());
    stripe = stripeClient(server);
    visa = (await stripe.paymentMethods.create(cardParams(CARDS.visa))).id;
  }, 120_000);
  afterAll(async () => close?.());

  it('retrieves and lists the latest charge of a payment, with its card, outcome and balance transaction', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method: visa,
      confirm: true,
      description: 'order 7',
    });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({
      id: pi.latest_charge,
      object: 'charge',
      amount: 10_000,
      amount_captured: 10_000,
      amount_refunded: 0,
      captured: true,
      paid: true,
      refunded: false,
      status: 'succeeded',
      payment_intent: pi.id,
      payment_method: visa,
      description: 'order 7',
      outcome: { network_status: 'approved_by_network', type: 'authorized', risk_level: 'normal' },
      failure_code: null,
    });
    const card = charge.payment_method_details?.card;
    const pm = await stripe.paymentMethods.retrieve(visa);
    expect(card).toMatchObject({
      brand: 'visa',
      last4: '4242',
      exp_month: 12,
      exp_year: pm.card?.exp_year,
      fingerprint: pm.card?.fingerprint,
      checks: { cvc_check: 'pass', address_line1_check: null, address_postal_code_check: null },
    });
    expect(Math.abs(charge.created - pi.created)).toBeLessThanOrEqual(2);

    // 2.9 % of 10 000 = 290, plus 30
    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn).toMatchObject({
      object: 'balance_transaction',
      amount: 10_000,
      fee: 320,
      net: 9_680,
      currency: 'usd',
      source: charge.id,
      type: 'charge',
      reporting_category: 'charge',
      // captured funds are pending until the settlement run of their available_on day (ADR 0032)
      status: 'pending',
      fee_details: [{ amount: 320, currency: 'usd', type: 'stripe_fee' }],
    });
    // 00:00 UTC of the capture's UTC day plus the default delay of 2 days
    const captureDay = Math.floor(txn.created / 86_400) * 86_400;
    expect(txn.available_on).toBe(captureDay + 2 * 86_400);

    const listed = await stripe.charges.list({ payment_intent: pi.id });
    expect(listed.data.map((c) => c.id)).toEqual([charge.id]);
  });

  it('records a declined attempt as a failed charge with the issuer decline', async () => {
    const declined = (await stripe.paymentMethods.create(cardParams(CARDS.insufficientFunds))).id;
    const err = (await stripe.paymentIntents
      .create({ amount: 900, currency: 'usd', payment_method: declined, confirm: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    const charge = await stripe.charges.retrieve(err.charge as string);
    expect(charge).toMatchObject({
      status: 'failed',
      paid: false,
      captured: false,
      amount_captured: 0,
      balance_transaction: null,
      failure_code: 'card_declined',
      outcome: {
        network_status: 'declined_by_network',
        type: 'issuer_declined',
        reason: 'insufficient_funds',
      },
    });
    expect(charge.payment_method_details?.card?.last4).toBe('9995');
  });

  it('refunds by charge, lists refunds by charge and payment intent, and posts a refund balance transaction', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2_000,
      currency: 'usd',
      payment_method: visa,
      confirm: true,
      capture_method: 'manual',
    });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1_500 });
    const chargeId = captured.latest_charge as string;
    const first = await stripe.refunds.create({ charge: chargeId, amount: 500 });
    const second = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
    expect(first).toMatchObject({
      charge: chargeId,
      payment_intent: pi.id,
      amount: 500,
      status: 'succeeded',
    });

    const byCharge = await stripe.refunds.list({ charge: chargeId });
    expect(byCharge.data.map((r) => r.id)).toEqual([second.id, first.id]);
    const byIntent = await stripe.refunds.list({ payment_intent: pi.id, limit: 1 });
    expect(byIntent).toMatchObject({ has_more: true, data: [{ id: second.id }] });

    const charge = await stripe.charges.retrieve(chargeId);
    expect(charge).toMatchObject({
      amount: 2_000,
      amount_captured: 1_500,
      amount_refunded: 700,
      refunded: false,
    });
    // the fee is charged on the captured amount: 2.9 % of 1 500 = 43.5 → 44, plus 30
    const chargeTxn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(chargeTxn).toMatchObject({ amount: 1_500, fee: 74, net: 1_426, source: chargeId });
    const refundTxn = await stripe.balanceTransactions.retrieve(first.balance_transaction as string);
    expect(refundTxn).toMatchObject({ amount: -500, fee: 0, net: -500, type: 'refund', source: first.id });

    const refunds = await stripe.balanceTransactions.list({ type: 'refund', limit: 2 });
    expect(refunds.data.map((t) => t.source)).toEqual([second.id, first.id]);
  });

  it('refunds a charge in full at most once, however many requests race for it', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3_000,
      currency: 'usd',
      payment_method: visa,
      confirm: true,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => stripe.refunds.create({ charge: pi.latest_charge as string })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 3_000, refunded: true });
  });

  it('keeps pending and available equal to the sums of the pending and available balance transactions’ nets, and the ledger balanced', async () => {
    const all: Stripe.BalanceTransaction[] = [];
    for await (const txn of stripe.balanceTransactions.list({ limit: 3 })) all.push(txn);
    const net = (status: string) =>
      all.filter((t) => t.currency === 'usd' && t.status === status).reduce((sum, t) => sum + t.net, 0);
    // nothing is settled yet: charges are pending, refunds came out of available (negative, as at Stripe)
    expect(all.filter((t) => t.type === 'charge').every((t) => t.status === 'pending')).toBe(true);
    expect(all.filter((t) => t.type === 'refund').every((t) => t.status === 'available')).toBe(true);
    const balance = await stripe.balance.retrieve();
    expect(balance.available.find((b) => b.currency === 'usd')?.amount).toBe(net('available'));
    expect(balance.pending.find((b) => b.currency === 'usd')?.amount).toBe(net('pending'));
    expect(net('available')).toBeLessThan(0);
    expect(await balanceDrift(server.db)).toEqual([]);
    const { rows } = await server.db.query<{ total: string }>(
      'SELECT coalesce(sum(amount), 0)::text AS total FROM ledger_postings',
    );
    expect(rows[0]?.total).toBe('0');
  });

  it('answers resource_missing naming the parameter for unknown charges, balance transactions and refunds', async () => {
    const missing = async (p: Promise<unknown>) =>
      (await p.catch((e: unknown) => e)) as Stripe.errors.StripeError;
    const charge = await missing(stripe.charges.retrieve('ch_missing'));
    expect(charge).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect([charge.statusCode, charge.code, charge.param]).toEqual([404, 'resource_missing', 'id']);
    expect(charge.message).toBe("No such charge: 'ch_missing'");
    const txn = await missing(stripe.balanceTransactions.retrieve('txn_missing'));
    expect([txn.statusCode, txn.code, txn.param]).toEqual([404, 'resource_missing', 'id']);
    const refund = await missing(stripe.refunds.retrieve('re_missing'));
    expect([refund.statusCode, refund.code, refund.param]).toEqual([404, 'resource_missing', 'id']);
    const byCharge = await missing(stripe.refunds.create({ charge: 'ch_missing' }));
    expect([byCharge.statusCode, byCharge.code, byCharge.param]).toEqual([404, 'resource_missing', 'charge']);
    const other = await server.newMerchant();
    const theirs = stripeClient(server, other.key);
    const mine = (await stripe.charges.list({ limit: 1 })).data[0]?.id as string;
    const foreign = await missing(theirs.charges.retrieve(mine));
    expect(foreign.code).toBe('resource_missing');
    expect((await theirs.charges.list()).data).toEqual([]);
    expect((await theirs.balanceTransactions.list()).data).toEqual([]);
  });
});
