import { describe, expect, it } from 'vitest';
import { parseCurrency, type Currency } from '../../src/domain/currency.js';
import { DomainError } from '../../src/domain/errors.js';
import {
  applyAuthorization,
  cancel,
  capture,
  createPaymentIntent,
  prepareConfirm,
  refund,
} from '../../src/domain/payment-intent.js';

const usd = parseCurrency('usd') as Currency;
const base = (manual = false, pm: string | null = 'pm_1') =>
  createPaymentIntent({
    amount: 1000,
    currency: usd,
    captureMethod: manual ? 'manual' : 'automatic',
    paymentMethodId: pm,
  });
const decline = {
  approved: false as const,
  error: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
};

describe('payment intent state machine', () => {
  it('starts in requires_payment_method or requires_confirmation', () => {
    expect(base(false, null).status).toBe('requires_payment_method');
    expect(base().status).toBe('requires_confirmation');
  });

  it('automatic capture succeeds at once with the full amount received', () => {
    const t = applyAuthorization(base(), { approved: true });
    expect(t.next).toMatchObject({ status: 'succeeded', amountReceived: 1000, amountCapturable: 0 });
    expect(t.events).toContain('payment_intent.succeeded');
    expect(t.entries.map((e) => e.kind)).toEqual(['sale']);
  });

  it('manual capture waits in requires_capture and captures partially', () => {
    const authorized = applyAuthorization(base(true), { approved: true }).next;
    expect(authorized).toMatchObject({ status: 'requires_capture', amountCapturable: 1000 });
    const captured = capture(authorized, 400);
    expect(captured.next).toMatchObject({ status: 'succeeded', amountReceived: 400, amountCapturable: 0 });
    expect(() => capture(authorized, 1001)).toThrow(DomainError);
    expect(() => capture(captured.next)).toThrow(/status of succeeded/);
  });

  it('a decline returns to requires_payment_method with the error and no ledger entry', () => {
    const t = applyAuthorization(base(), decline);
    expect(t.next.status).toBe('requires_payment_method');
    expect(t.next.lastPaymentError?.declineCode).toBe('generic_decline');
    expect(t.entries).toHaveLength(0);
    expect(t.events).toContain('payment_intent.payment_failed');
    // it can be confirmed again with another card
    expect(prepareConfirm(t.next, 'pm_2').paymentMethodId).toBe('pm_2');
  });

  it('confirm needs a payment method and a confirmable status', () => {
    expect(() => prepareConfirm(base(false, null), null)).toThrow(/missing a payment method/);
    const done = applyAuthorization(base(), { approved: true }).next;
    expect(() => prepareConfirm(done, null)).toThrow(/status of succeeded/);
  });

  it('cancel releases an authorization and is refused after success', () => {
    const authorized = applyAuthorization(base(true), { approved: true }).next;
    const t = cancel(authorized, 'requested_by_customer');
    expect(t.next).toMatchObject({
      status: 'canceled',
      cancellationReason: 'requested_by_customer',
      amountCapturable: 0,
    });
    expect(t.entries.map((e) => e.kind)).toEqual(['release']);
    expect(cancel(base(), null).entries).toHaveLength(0);
    expect(() => cancel(applyAuthorization(base(), { approved: true }).next, null)).toThrow(DomainError);
  });

  it('refunds are partial, default to the remainder, and never exceed the captured amount', () => {
    const authorized = applyAuthorization(base(true), { approved: true }).next;
    let pi = capture(authorized, 600).next;
    const first = refund(pi, 250);
    expect(first.amount).toBe(250);
    pi = first.next;
    expect(() => refund(pi, 351)).toThrow(/greater than the unrefunded amount/);
    const rest = refund(pi);
    expect(rest.amount).toBe(350);
    expect(() => refund(rest.next)).toThrow(/already been refunded/);
    expect(() => refund(authorized)).toThrow(/only succeeded/);
  });
});
