import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attempt } from '../../src/app/attempt.js';
import type { RequestContext } from '../../src/app/context.js';
import {
  auditRepeatedAuthenticationFailures,
  createApiKey,
  createMerchant,
  revokeApiKey,
} from '../../src/app/merchants.js';
import {
  cancelIntent,
  captureIntent,
  confirmIntent,
  createIntent,
  type CreateIntentInput,
} from '../../src/app/payment-intents.js';
import { createPaymentMethod } from '../../src/app/payment-methods.js';
import { runClaimed } from '../../src/app/recovery.js';
import { createRefund } from '../../src/app/refunds.js';
import { resumableRequest, storedRequest } from '../../src/app/resumable.js';
import type { Currency } from '../../src/domain/currency.js';
import { claimKey } from '../../src/store/idempotency-store.js';
import { call, CARDS, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ctx: RequestContext;

interface AuditRow {
  merchant_id: string | null;
  actor: string;
  action: string;
  outcome: string;
  object_type: string | null;
  object_id: string | null;
  source_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** The audit records written while `run` ran, oldest first. */
async function auditedBy(run: () => Promise<unknown>): Promise<AuditRow[]> {
  const { rows } = await server.db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log');
  await run();
  const written = await server.db.query<AuditRow>(
    `SELECT merchant_id, actor, action, outcome, object_type, object_id, source_ip, request_id, details
       FROM audit_log ORDER BY occurred_at, id OFFSET $1`,
    [Number(rows[0]?.n)],
  );
  return written.rows;
}

/** The record a request of `ctx` writes about `object` (type and id). */
const requestRecord = (
  action: string,
  object: [string, string],
  details: Record<string, unknown>,
  outcome = 'success',
): AuditRow => ({
  merchant_id: ctx.merchantId,
  actor: ctx.actor,
  source_ip: ctx.sourceIp ?? null,
  request_id: ctx.requestId ?? null,
  action,
  outcome,
  object_type: object[0],
  object_id: object[1],
  details,
});

const card = (number: string) => ({
  card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
  metadata: {},
});
const intent = (paymentMethodId: string | null, confirm: boolean): CreateIntentInput => ({
  amount: 2500,
  currency: 'eur' as Currency,
  paymentMethodId,
  confirm,
  captureMethod: 'manual',
  description: null,
  metadata: {},
});

beforeAll(async () => {
  server = await startTestServer();
  ctx = {
    merchantId: server.merchantId,
    actor: 'key_audit',
    sourceIp: '203.0.113.7',
    requestId: 'req_audit',
  };
});
afterAll(async () => {
  await server?.close();
});

describe('audit records (PCI DSS 10.2): one per request, with who, what, outcome, object and details', () => {
  it('payment methods and every payment intent transition', async () => {
    let pm = '';
    const sealed = await auditedBy(async () => {
      pm = (await createPaymentMethod(server.deps, ctx, card(CARDS.visa))).id;
    });
    expect(sealed).toEqual([
      requestRecord('vault.card_sealed', ['payment_method', pm], {
        brand: 'visa',
        last4: '4242',
        key_version: expect.any(String),
        cvc_sealed_until: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);

    let open = '';
    const created = await auditedBy(async () => {
      open = (await createIntent(server.deps, ctx, intent(pm, false))).intent.id;
    });
    const creation = { amount: 2500, currency: 'eur', capture_method: 'manual' };
    expect(created).toEqual([requestRecord('payment_intent.create', ['payment_intent', open], creation)]);
    const authorized = (cvc: boolean) => ({
      status: 'requires_capture',
      amount: 2500,
      currency: 'eur',
      vault_access: { payment_method: pm, purpose: 'authorization', cvc },
    });

    // the first authorization opens the card and its CVC, later ones the card only
    const confirmed = await auditedBy(() => confirmIntent(server.deps, ctx, open, { paymentMethodId: null }));
    expect(confirmed).toEqual([
      requestRecord('payment_intent.confirm', ['payment_intent', open], authorized(true)),
    ]);

    const canceled = await auditedBy(() => cancelIntent(server.deps, ctx, open, { reason: 'duplicate' }));
    expect(canceled).toEqual([
      requestRecord('payment_intent.cancel', ['payment_intent', open], {
        from: 'requires_capture',
        reason: 'duplicate',
      }),
    ]);

    let held = '';
    const createdAndConfirmed = await auditedBy(async () => {
      held = (await createIntent(server.deps, ctx, intent(pm, true))).intent.id;
    });
    expect(createdAndConfirmed).toEqual([
      requestRecord('payment_intent.create_and_confirm', ['payment_intent', held], {
        ...creation,
        confirm: authorized(false),
      }),
    ]);

    const captured = await auditedBy(() => captureIntent(server.deps, ctx, held, { amountToCapture: 2000 }));
    expect(captured).toEqual([
      requestRecord('payment_intent.capture', ['payment_intent', held], {
        amount_captured: 2000,
        amount_authorized: 2500,
      }),
    ]);

    let refund = '';
    const refunded = await auditedBy(async () => {
      refund = (
        await createRefund(server.deps, ctx, {
          paymentIntentId: held,
          amount: 500,
          reason: null,
          metadata: {},
        })
      ).id;
    });
    expect(refunded).toEqual([
      requestRecord('refund.create', ['refund', refund], {
        payment_intent: held,
        amount: 500,
        currency: 'eur',
      }),
    ]);
  });

  it('a declined confirmation is a failure naming the code, on create and on confirm', async () => {
    const declined = (await createPaymentMethod(server.deps, ctx, card(CARDS.insufficientFunds))).id;
    const vaultAccess = { payment_method: declined, purpose: 'authorization', cvc: true };
    const [onCreate] = await auditedBy(() => createIntent(server.deps, ctx, intent(declined, true)));
    expect(onCreate).toMatchObject({
      action: 'payment_intent.create_and_confirm',
      outcome: 'failure',
      details: {
        amount: 2500,
        currency: 'eur',
        capture_method: 'manual',
        confirm: { status: 'requires_payment_method', code: 'card_declined', vault_access: vaultAccess },
      },
    });
    const open = (await createIntent(server.deps, ctx, intent(declined, false))).intent.id;
    const [onConfirm] = await auditedBy(() =>
      confirmIntent(server.deps, ctx, open, { paymentMethodId: null }),
    );
    expect(onConfirm).toMatchObject({
      action: 'payment_intent.confirm',
      outcome: 'failure',
      details: {
        status: 'requires_payment_method',
        code: 'card_declined',
        vault_access: { ...vaultAccess, cvc: false },
      },
    });
    expect(Object.keys(onConfirm?.details ?? {})).toEqual(['code', 'status', 'vault_access']);
  });

  it('a request that fails after the acquirer may have acted is a failure naming its operation and attempt', async () => {
    const attempt = new Attempt();
    const ref = { merchantId: ctx.merchantId, key: 'audit-interrupted' };
    const input = { paymentIntentId: 'pi_audited', amount: 100, reason: null, metadata: {} };
    const request = resumableRequest('refund.create', input);
    const claim = { hash: 'h', method: 'POST', path: '/v1/refunds' };
    await claimKey(server.db, ref, claim, 60, { attempt: attempt.id, resume: storedRequest(request, ctx) });
    const interrupted = () =>
      runClaimed(server.deps, ctx, { ref, attempt, request }, 60, async () => {
        await attempt.callAcquirer(async () => undefined);
        throw new Error('the write after the acquirer call failed');
      });
    const written = await auditedBy(() => interrupted().catch(() => undefined));
    expect(written).toEqual([
      requestRecord(
        'payment_attempt.interrupted',
        ['refund', `re_${attempt.id}`],
        { operation: 'refund.create', attempt: attempt.id, recovery_point: 'acquirer_called' },
        'failure',
      ),
    ]);
  });

  it('merchants, keys and refused authentications', async () => {
    let merchantId = '';
    let firstKey = '';
    const onboarded = await auditedBy(async () => {
      const created = await createMerchant(server.db, server.deps.keys, 'Audited', 'cli:ops');
      merchantId = created.merchant.id;
      firstKey = created.key.id;
    });
    const admin = {
      merchant_id: merchantId,
      actor: 'cli:ops',
      source_ip: null,
      request_id: null,
      details: {},
    };
    expect(onboarded).toEqual([
      {
        ...admin,
        action: 'merchant.create',
        outcome: 'success',
        object_type: 'merchant',
        object_id: merchantId,
      },
      { ...admin, action: 'api_key.create', outcome: 'success', object_type: 'api_key', object_id: firstKey },
    ]);
    let second = '';
    const issued = await auditedBy(async () => {
      second = (await createApiKey(server.db, server.deps.keys, merchantId, 'cli:ops')).id;
    });
    expect(issued).toEqual([
      { ...admin, action: 'api_key.create', outcome: 'success', object_type: 'api_key', object_id: second },
    ]);
    const revoked = await auditedBy(() => revokeApiKey(server.db, second, 'cli:ops'));
    expect(revoked).toEqual([
      { ...admin, action: 'api_key.revoke', outcome: 'success', object_type: 'api_key', object_id: second },
    ]);

    const refused = await auditedBy(() =>
      call(server, 'GET', '/v1/balance', { key: 'sk_test_unknownunknownunknown1234' }),
    );
    expect(refused).toEqual([
      {
        merchant_id: null,
        actor: 'anonymous',
        action: 'auth.authenticate',
        outcome: 'failure',
        object_type: 'api_key',
        object_id: null,
        source_ip: '127.0.0.1',
        request_id: expect.stringMatching(/^req_/),
        details: {
          reason: 'invalid_key',
          key_hint: 'sk_test_********1234',
          method: 'GET',
          path: '/v1/balance',
        },
      },
    ]);
  });

  it('refusals of the Stripe-Account header, and the summary of repeated authentication failures', async () => {
    const connect = await auditedBy(() =>
      call(server, 'GET', '/v1/balance', { headers: { 'stripe-account': 'acct_elsewhere1' } }),
    );
    expect(connect).toEqual([
      {
        merchant_id: server.merchantId,
        actor: expect.stringMatching(/^key_/),
        action: 'auth.stripe_account',
        outcome: 'failure',
        object_type: 'account',
        object_id: 'acct_elsewhere1',
        source_ip: '127.0.0.1',
        request_id: expect.stringMatching(/^req_/),
        details: { reason: 'connect_not_supported', requested_account: 'acct_elsewhere1' },
      },
    ]);

    const summary = {
      windowStart: new Date('2026-05-01T10:00:00.000Z'),
      windowEnd: new Date('2026-05-01T10:01:00.000Z'),
      failures: 41,
      reasons: { invalid_key: 30, rate_limited: 11 },
      keyHints: ['sk_test_********abcd'],
      paths: { 'GET /v1/balance': 41 },
      firstRequestId: 'req_first',
      lastRequestId: 'req_last',
    };
    const summarised = await auditedBy(() =>
      auditRepeatedAuthenticationFailures(server.db, [
        { ...summary, sourceIp: '198.51.100.4', untrackedSources: false },
        { ...summary, sourceIp: null, untrackedSources: true },
      ]),
    );
    const record = {
      merchant_id: null,
      actor: 'anonymous',
      action: 'auth.authenticate_repeated',
      outcome: 'failure',
      object_type: 'api_key',
      object_id: null,
      request_id: null,
    };
    const details = {
      window_start: '2026-05-01T10:00:00.000Z',
      window_end: '2026-05-01T10:01:00.000Z',
      failures: 41,
      reasons: { invalid_key: 30, rate_limited: 11 },
      key_hints: ['sk_test_********abcd'],
      paths: { 'GET /v1/balance': 41 },
      first_request_id: 'req_first',
      last_request_id: 'req_last',
    };
    expect(summarised).toEqual([
      { ...record, source_ip: '198.51.100.4', details },
      { ...record, source_ip: null, details: { ...details, untracked_sources: true } },
    ]);
  });
});
