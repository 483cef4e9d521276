import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../support/server.js';

// Stripe Connect is not implemented: a request naming an account in Stripe-Account must never run on the
// key's own account as if the header were not there.
let server: TestServer;
let other: { key: string; merchantId: string };

beforeAll(async () => {
  server = await startTestServer();
  other = await server.newMerchant('Connected account');
});
afterAll(async () => {
  await server?.close();
});

const refusals = async () =>
  (
    await server.db.query<{
      merchant_id: string;
      actor: string;
      object_id: string | null;
      request_id: string;
      details: Record<string, unknown>;
    }>(
      `SELECT merchant_id, actor, object_id, request_id, details FROM audit_log
        WHERE action = 'auth.stripe_account' ORDER BY occurred_at, id`,
    )
  ).rows;

describe('the Stripe-Account header', () => {
  it("is refused with Stripe's 403 account_invalid, audited, and nothing runs", async () => {
    const res = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd' },
      headers: { 'stripe-account': other.merchantId },
      idempotencyKey: 'connect-1',
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'account_invalid',
        message:
          `The provided key does not have access to account '${other.merchantId}' (or that account does not ` +
          'exist). Stripe Connect is not supported: send requests without the Stripe-Account header.',
      },
    });
    for (const key of [server.key, other.key]) {
      expect((await call(server, 'GET', '/v1/payment_intents', { key })).json.data).toEqual([]);
    }
    expect(await refusals()).toEqual([
      {
        merchant_id: server.merchantId,
        actor: expect.stringMatching(/^key_/),
        object_id: other.merchantId,
        request_id: res.headers.get('request-id'),
        details: { reason: 'connect_not_supported', requested_account: other.merchantId },
      },
    ]);
    // the Idempotency-Key was not consumed: the same request without the header runs
    const retry = await call(server, 'POST', '/v1/payment_intents', {
      form: { amount: 1000, currency: 'usd' },
      idempotencyKey: 'connect-1',
    });
    expect(retry.status).toBe(200);
  });

  it("is refused for reads too, and even when it names the key's own account", async () => {
    for (const account of [server.merchantId, 'acct_unknown', 'not an account id']) {
      const res = await call(server, 'GET', '/v1/balance', { headers: { 'stripe-account': account } });
      expect([res.status, res.json.error.code], account).toEqual([403, 'account_invalid']);
    }
    const recorded = (await refusals()).slice(-3).map((r) => r.details.requested_account);
    expect(recorded).toEqual([server.merchantId, 'acct_unknown', null]);
  });

  it('comes after authentication: without a valid key the answer is 401', async () => {
    const res = await call(server, 'GET', '/v1/balance', {
      key: null,
      headers: { 'stripe-account': other.merchantId },
    });
    expect(res.status).toBe(401);
  });
});
