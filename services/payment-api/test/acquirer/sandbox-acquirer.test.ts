import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcquirerError, SandboxAcquirer } from '../../src/acquirer/index.js';
import type { AuthorizationRequest, AuthorizationResult } from '../../src/acquirer/index.js';

const NOW = new Date('2026-06-15T12:00:00Z');
let seq = 0;
const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  amount: 1000,
  currency: 'usd',
  pan: '4242424242424242',
  expMonth: 12,
  expYear: 2030,
  cvc: '123',
  reference: `pi_${(seq += 1)}`,
  ...overrides,
});
const acquirer = () => new SandboxAcquirer({ now: () => NOW });

async function approved(a: SandboxAcquirer, overrides: Partial<AuthorizationRequest> = {}): Promise<string> {
  const result = await a.authorize(request(overrides));
  if (!result.approved) throw new Error(`expected approval, got ${result.code}`);
  return result.authorizationId;
}

async function rejection(p: Promise<unknown>): Promise<AcquirerError> {
  const error = await p.then(() => undefined).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AcquirerError);
  return error as AcquirerError;
}

describe('SandboxAcquirer.authorize with Stripe test cards', () => {
  const declines: Array<[string, AuthorizationResult]> = [
    [
      '4000000000000002',
      {
        approved: false,
        code: 'card_declined',
        declineCode: 'generic_decline',
        message: 'Your card was declined.',
        cvcCheck: 'pass',
      },
    ],
    [
      '4000000000009995',
      {
        approved: false,
        code: 'insufficient_funds',
        declineCode: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        cvcCheck: 'pass',
      },
    ],
    [
      '4000000000000069',
      {
        approved: false,
        code: 'expired_card',
        declineCode: 'expired_card',
        message: 'Your card has expired.',
        cvcCheck: 'unchecked',
      },
    ],
    [
      '4000000000000127',
      {
        approved: false,
        code: 'incorrect_cvc',
        declineCode: 'incorrect_cvc',
        message: "Your card's security code is incorrect.",
        cvcCheck: 'fail',
      },
    ],
    [
      '4000000000000119',
      {
        approved: false,
        code: 'processing_error',
        declineCode: 'processing_error',
        message: 'An error occurred while processing your card. Try again in a little bit.',
        cvcCheck: 'unavailable',
      },
    ],
    [
      '4000000000009987',
      {
        approved: false,
        code: 'card_declined',
        declineCode: 'lost_card',
        message: 'Your card was declined.',
        cvcCheck: 'pass',
      },
    ],
    [
      '4000000000009979',
      {
        approved: false,
        code: 'card_declined',
        declineCode: 'stolen_card',
        message: 'Your card was declined.',
        cvcCheck: 'pass',
      },
    ],
  ];

  it.each(declines)('%s declines as Stripe does', async (pan, expected) => {
    expect(await acquirer().authorize(request({ pan }))).toEqual(expected);
  });

  it.each([
    '4242424242424242',
    '4000056655665556',
    '5555555555554444',
    '2223003122003222',
    '5200828282828210',
    '378282246310005',
    '371449635398431',
    '6011111111111117',
    '3056930009020004',
    '36227206271667',
    '3566002020360505',
    '6200000000000005',
  ])('%s approves', async (pan) => {
    const result = await acquirer().authorize(request({ pan, cvc: pan.startsWith('3') ? '1234' : '123' }));
    expect(result).toEqual({
      approved: true,
      authorizationId: expect.stringMatching(/^sbxauth_1000_usd_[0-9a-f]{24}$/),
      cvcCheck: 'pass',
    });
  });

  it('declines a number that fails the Luhn check', async () => {
    expect(await acquirer().authorize(request({ pan: '4242424242424241' }))).toMatchObject({
      approved: false,
      code: 'card_declined',
      declineCode: 'incorrect_number',
    });
  });

  it('declines an expired card as expired_card, and approves one expiring this month', async () => {
    expect(await acquirer().authorize(request({ expMonth: 5, expYear: 2026 }))).toMatchObject({
      code: 'expired_card',
    });
    expect(await acquirer().authorize(request({ expMonth: 12, expYear: 25 }))).toMatchObject({
      code: 'expired_card',
    });
    expect(await acquirer().authorize(request({ expMonth: 6, expYear: 2026 }))).toMatchObject({
      approved: true,
    });
  });

  it('is deterministic: the same request gives the same authorization id on any instance', async () => {
    const req = request();
    expect(await acquirer().authorize(req)).toEqual(await acquirer().authorize(req));
  });

  it('is idempotent per reference and refuses to re-approve a reference for another request', async () => {
    const a = acquirer();
    const req = request();
    const first = await a.authorize(req);
    expect(await a.authorize({ ...req })).toEqual(first);
    const conflict = await rejection(a.authorize({ ...req, amount: 2000 }));
    expect(conflict.code).toBe('reference_conflict');
  });

  it('refuses another request under a declined reference too: a new attempt needs a new reference', async () => {
    const a = acquirer();
    const req = request({ pan: '4000000000000002' });
    expect(await a.authorize(req)).toMatchObject({ approved: false });
    expect((await rejection(a.authorize({ ...req, pan: '4242424242424242' }))).code).toBe(
      'reference_conflict',
    );
    expect(await a.authorize({ ...req, pan: '4242424242424242', reference: 'ch_next' })).toMatchObject({
      approved: true,
    });
  });

  it('returns the original CVC check to a retry that no longer carries the CVC', async () => {
    const a = acquirer();
    const req = request({ pan: '4000000000000127', cvc: '123' });
    const first = await a.authorize(req);
    expect(first).toMatchObject({ approved: false, code: 'incorrect_cvc', cvcCheck: 'fail' });
    const { cvc: _sent, ...retry } = req;
    expect(await a.authorize(retry)).toEqual(first);
    expect(a.effects()).toEqual([
      { kind: 'authorize', reference: req.reference, authorizationId: null, amount: 1000, cvcSent: true },
    ]);
  });

  it('reports no CVC check without a CVC, and fails it for 4000000000000101 only when one is sent', async () => {
    expect(await acquirer().authorize(request({ cvc: undefined }))).toMatchObject({
      approved: true,
      cvcCheck: null,
    });
    expect(await acquirer().authorize(request({ pan: '4000000000000101', cvc: undefined }))).toMatchObject({
      approved: true,
      cvcCheck: null,
    });
    expect(await acquirer().authorize(request({ pan: '4000000000000101', cvc: '123' }))).toMatchObject({
      approved: false,
      code: 'incorrect_cvc',
      cvcCheck: 'fail',
    });
    expect(await acquirer().authorize(request({ pan: '4242424242424241' }))).toMatchObject({
      cvcCheck: 'unchecked',
    });
  });

  it.each([
    [{ amount: 0 }, /amount must be an integer from 1 to 99999999/],
    [{ amount: 10.5 }, /amount must be an integer/],
    [{ amount: 100_000_000 }, /amount must be an integer/],
    [{ currency: 'us' }, /currency must be a three-letter ISO code, got us/],
    [{ reference: '' }, /reference must be a non-empty string/],
  ])('refuses a malformed request %o', async (overrides, message) => {
    const error = await rejection(acquirer().authorize(request(overrides)));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(message);
  });

  it('normalises the currency to lower case', async () => {
    expect(await acquirer().authorize(request({ currency: 'EUR' }))).toMatchObject({
      authorizationId: expect.stringMatching(/^sbxauth_1000_eur_/),
    });
  });
});

let refs = 0;
/** Each call under a fresh reference unless one is given (a retry of the same request). */
const capture = (
  a: SandboxAcquirer,
  authorizationId: string,
  amount: number,
  reference = `cap_${(refs += 1)}`,
) => a.capture({ authorizationId, amount, reference });
const voidAuth = (a: SandboxAcquirer, authorizationId: string, reference = `void_${(refs += 1)}`) =>
  a.void({ authorizationId, reference });
const refund = (
  a: SandboxAcquirer,
  authorizationId: string,
  amount: number,
  reference = `re_${(refs += 1)}`,
) => a.refund({ authorizationId, amount, reference });

describe('SandboxAcquirer capture, void and refund', () => {
  it('captures up to the authorized amount and refunds up to the captured amount', async () => {
    const a = acquirer();
    const id = await approved(a, { amount: 1000 });
    await capture(a, id, 600);
    await refund(a, id, 200);
    await refund(a, id, 400);
    const error = await rejection(refund(a, id, 1));
    expect(error.code).toBe('amount_exceeds_captured');
    expect(error.message).toBe(`refund of 1 on ${id} would bring refunds to 601, above the 600 captured`);
  });

  it('refuses to capture above the authorized amount', async () => {
    const a = acquirer();
    const id = await approved(a, { amount: 1000 });
    expect((await rejection(capture(a, id, 1001))).code).toBe('amount_exceeds_authorized');
    await capture(a, id, 1000);
  });

  it('captures an authorization once: a second capture under another reference is refused, whatever the amount', async () => {
    const a = acquirer();
    const id = await approved(a);
    await capture(a, id, 500);
    expect((await rejection(capture(a, id, 500))).code).toBe('already_captured');
    expect((await rejection(capture(a, id, 400))).code).toBe('already_captured');
  });

  it('never captures, voids or refunds twice under one reference: a retry gets the original result', async () => {
    const a = acquirer();
    const captured = await approved(a, { amount: 1000 });
    await capture(a, captured, 1000, 'cap_retry');
    await capture(a, captured, 1000, 'cap_retry');
    await refund(a, captured, 300, 're_retry');
    await refund(a, captured, 300, 're_retry');
    await refund(a, captured, 300, 're_retry');
    const held = await approved(a);
    await voidAuth(a, held, 'void_retry');
    await voidAuth(a, held, 'void_retry');
    expect(a.effects().map((e) => [e.kind, e.reference, e.amount])).toEqual([
      ['authorize', expect.stringMatching(/^pi_/), 1000],
      ['capture', 'cap_retry', 1000],
      ['refund', 're_retry', 300],
      ['authorize', expect.stringMatching(/^pi_/), 1000],
      ['void', 'void_retry', null],
    ]);
    // the refunded 300 counted once: 700 are left
    await refund(a, captured, 700);
    expect((await rejection(refund(a, captured, 1))).code).toBe('amount_exceeds_captured');
  });

  it('refuses a reference reused for another amount, authorization or kind of operation', async () => {
    const a = acquirer();
    const id = await approved(a, { amount: 1000 });
    await capture(a, id, 1000, 'ref_once');
    expect((await rejection(refund(a, id, 100, 'ref_once'))).code).toBe('reference_conflict');
    await refund(a, id, 100, 're_once');
    expect((await rejection(refund(a, id, 200, 're_once'))).code).toBe('reference_conflict');
    const other = await approved(a);
    expect((await rejection(voidAuth(a, other, 're_once'))).code).toBe('reference_conflict');
    const authorization = request();
    await a.authorize(authorization);
    expect((await rejection(capture(a, id, 5, authorization.reference))).code).toBe('reference_conflict');
  });

  it('forgets a refused operation, so its reference can carry the corrected request', async () => {
    const a = acquirer();
    const id = await approved(a, { amount: 1000 });
    expect((await rejection(capture(a, id, 1001, 'cap_fix'))).code).toBe('amount_exceeds_authorized');
    await capture(a, id, 900, 'cap_fix');
    expect((await rejection(refund(a, id, 901, 're_fix'))).code).toBe('amount_exceeds_captured');
    await refund(a, id, 900, 're_fix');
    expect(a.effects().filter((e) => e.kind !== 'authorize')).toHaveLength(2);
  });

  it('refuses a double void, a void after capture and a capture after void', async () => {
    const a = acquirer();
    const voided = await approved(a);
    await voidAuth(a, voided);
    expect((await rejection(voidAuth(a, voided))).code).toBe('already_voided');
    expect((await rejection(capture(a, voided, 100))).code).toBe('already_voided');
    expect((await rejection(refund(a, voided, 100))).code).toBe('already_voided');
    const captured = await approved(a);
    await capture(a, captured, 100);
    expect((await rejection(voidAuth(a, captured))).code).toBe('already_captured');
  });

  it('refuses a refund before capture', async () => {
    const a = acquirer();
    const id = await approved(a);
    expect((await rejection(refund(a, id, 100))).code).toBe('not_captured');
  });

  it('refuses unknown authorization ids, invalid amounts and references', async () => {
    const a = acquirer();
    expect((await rejection(capture(a, 'auth_unknown', 100))).code).toBe('authorization_not_found');
    expect((await rejection(voidAuth(a, 'sbxauth_0_usd_000000000000000000000000'))).code).toBe(
      'authorization_not_found',
    );
    const id = await approved(a);
    expect((await rejection(capture(a, id, -5))).code).toBe('invalid_request');
    expect((await rejection(capture(a, id, 5, ''))).code).toBe('invalid_request');
    await capture(a, id, 100);
    expect((await rejection(refund(a, id, 0))).code).toBe('invalid_request');
    expect((await rejection(refund(a, id, 5, 'r'.repeat(256)))).code).toBe('invalid_request');
  });

  it('still enforces the authorized amount for an authorization issued by another instance', async () => {
    const id = await approved(acquirer(), { amount: 700 });
    const restarted = acquirer();
    expect((await rejection(capture(restarted, id, 701))).code).toBe('amount_exceeds_authorized');
    await capture(restarted, id, 700);
    await refund(restarted, id, 700);
    expect((await rejection(refund(restarted, id, 1))).code).toBe('amount_exceeds_captured');
  });

  it('after a restart, refunds an authorization captured before it, up to the authorized amount', async () => {
    const before = acquirer();
    const id = await approved(before, { amount: 900 });
    await capture(before, id, 900);
    const restarted = acquirer();
    await refund(restarted, id, 400);
    await refund(restarted, id, 500);
    expect((await rejection(refund(restarted, id, 1))).code).toBe('amount_exceeds_captured');
    expect((await rejection(capture(restarted, id, 900))).code).toBe('already_captured');
  });

  it('never lets refunds exceed the capture, whatever the sequence and the retries (model check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 12_000 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000 }), retries: fc.nat(2) }), {
          maxLength: 12,
        }),
        async (authorized, captureAmount, refunds) => {
          const a = acquirer();
          const id = await approved(a, { amount: authorized });
          const captureOk = await capture(a, id, captureAmount).then(
            () => true,
            () => false,
          );
          expect(captureOk).toBe(captureAmount <= authorized);
          let refunded = 0;
          for (const [i, { amount, retries }] of refunds.entries()) {
            const allowed = captureOk && refunded + amount <= captureAmount;
            // the first try and its retries, all under one reference, count once
            for (let t = 0; t <= retries; t += 1) {
              const ok = await refund(a, id, amount, `re_model_${i}`).then(
                () => true,
                () => false,
              );
              expect(ok).toBe(allowed);
            }
            if (allowed) refunded += amount;
          }
          expect(refunded).toBeLessThanOrEqual(captureOk ? captureAmount : 0);
          const reported = a
            .effects()
            .filter((e) => e.kind === 'refund')
            .reduce((sum, e) => sum + (e.amount ?? 0), 0);
          expect(reported).toBe(refunded);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SandboxAcquirer keeps card data out of results and errors', () => {
  it('never puts the PAN or CVC in a result or an error', async () => {
    const pan = '4000000000000127';
    const cvc = '4321';
    const a = acquirer();
    const outputs: unknown[] = [];
    outputs.push(await a.authorize(request({ pan, cvc, reference: 'pi_leak' })));
    outputs.push(await a.authorize(request({ pan: '4242424242424242', cvc, reference: 'pi_ok' })));
    outputs.push(
      await a
        .authorize(request({ pan: '4242424242424242', cvc, reference: 'pi_ok', amount: 5 }))
        .catch((e: unknown) => e),
    );
    outputs.push(await a.authorize(request({ pan, cvc, amount: -1 })).catch((e: unknown) => e));
    for (const output of outputs) {
      const text = `${inspect(output, { depth: 5, showHidden: true })}${JSON.stringify(output)}`;
      expect(text).not.toContain(pan);
      expect(text).not.toContain('4242424242424242');
      expect(text).not.toContain(cvc);
    }
  });
});
