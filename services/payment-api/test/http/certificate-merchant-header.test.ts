import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_MERCHANT_HEADER } from '../../src/http/client-certificates.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { call, startTestServer, type TestServer } from '../support/server.js';

// As deployed behind API Gateway: the authorizer's merchant arrives in a header over plain HTTP (VPC link
// to the ALB); the key must belong to it. Requests without the header (the plain ALB path) are unaffected.
let tdb: TestDatabase;
let server: TestServer;
let other: { key: string; merchantId: string };

beforeAll(async () => {
  tdb = await createTestDatabase();
  server = await startTestServer({ db: tdb.db });
  other = await server.newMerchant('Other merchant');
});
afterAll(async () => {
  await server?.close();
  await tdb?.drop();
});

describe(`the ${CERTIFICATE_MERCHANT_HEADER} header`, () => {
  it('passes when it names the merchant of the key, and when it is absent', async () => {
    const named = await call(server, 'GET', '/v1/balance', {
      headers: { [CERTIFICATE_MERCHANT_HEADER]: server.merchantId },
    });
    expect(named.status).toBe(200);
    expect((await call(server, 'GET', '/v1/balance')).status).toBe(200);
  });

  it("answers 403 in Stripe's envelope, and audits it, when it names another merchant", async () => {
    const res = await call(server, 'POST', '/v1/payment_intents', {
      key: other.key,
      form: { amount: 1000, currency: 'usd' },
      headers: { [CERTIFICATE_MERCHANT_HEADER]: server.merchantId },
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'client_certificate_merchant_mismatch',
        message: 'The API key belongs to a different merchant account than the client certificate.',
      },
    });
    // nothing was created for the key's merchant
    expect((await call(server, 'GET', '/v1/payment_intents', { key: other.key })).json.data).toEqual([]);
    const { rows } = await tdb.db.query<{
      merchant_id: string;
      actor: string;
      details: Record<string, unknown>;
    }>(`SELECT merchant_id, actor, details FROM audit_log WHERE action = 'auth.client_certificate'`);
    expect(rows).toEqual([
      {
        merchant_id: other.merchantId,
        actor: expect.stringMatching(/^key_/),
        details: { reason: 'merchant_mismatch', certificate_merchant: server.merchantId },
      },
    ]);
  });

  it('answers 403 when it is sent twice', async () => {
    const res = await fetch(`${server.url}/v1/balance`, {
      headers: [
        ['authorization', `Bearer ${server.key}`],
        [CERTIFICATE_MERCHANT_HEADER, server.merchantId],
        [CERTIFICATE_MERCHANT_HEADER, server.merchantId],
      ],
    });
    // joined into one value with ", ", which names no merchant
    expect(res.status).toBe(403);
  });

  it('is checked after the key: no key is still 401', async () => {
    const res = await call(server, 'GET', '/v1/balance', {
      key: null,
      headers: { [CERTIFICATE_MERCHANT_HEADER]: server.merchantId },
    });
    expect(res.status).toBe(401);
  });
});
