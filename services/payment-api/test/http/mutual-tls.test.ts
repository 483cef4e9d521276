import { execFile } from 'node:child_process';
import { Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { createPkiWorkspace, type PkiWorkspace } from '@tessera/pki/testing';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevocationListFile } from '../../src/http/client-certificates.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tlsCall, type ClientTls } from './tls-client.js';

// The local mutual-TLS mode with real TLS handshakes on 127.0.0.1, with certificates the PKI CLI makes.
let tdb: TestDatabase;
let pki: PkiWorkspace;
let server: TestServer;
let other: { key: string; merchantId: string };
let ca: string;
const refusals: string[] = [];

const client = (name: string): ClientTls => ({
  cert: pki.read(`clients/${name}.pem`),
  key: pki.read(`clients/${name}-key.pem`),
  ca,
});
const balance = () => `${server.url}/v1/balance`;

beforeAll(async () => {
  tdb = await createTestDatabase();
  pki = createPkiWorkspace('tessera-api-mtls-');
  await pki.run(['init', '--out', 'ca']);
  await pki.run(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server']);
  await pki.run(['bundle', '--ca', 'ca', '--out', 'truststore.pem']);
  ca = pki.read('ca/ca.pem');
  server = await startTestServer({
    db: tdb.db,
    tls: {
      https: {
        cert: pki.read('server/localhost.pem'),
        key: pki.read('server/localhost-key.pem'),
        ca: pki.read('truststore.pem'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      clientCertificateRevocations: new RevocationListFile(pki.path('ca/revocations.json')),
    },
  });
  // Why the server closed a TLS connection: OpenSSL's error, or Node's verification result of the client chain.
  server.app.server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    refusals.push(String(socket.authorizationError ?? err.message));
  });
  other = await server.newMerchant('Other merchant');
  const issue = (name: string, merchant?: string) =>
    pki.run([
      'issue',
      '--ca',
      'ca',
      '--name',
      name,
      ...(merchant ? ['--merchant', merchant] : []),
      '--out',
      'clients',
    ]);
  await issue('partner-a', server.merchantId);
  await issue('partner-b', server.merchantId);
  await issue('unbound');
  await pki.run(
    [
      'issue',
      '--ca',
      'ca',
      '--name',
      'expired',
      '--merchant',
      server.merchantId,
      '--out',
      'clients',
      '--days',
      '1',
    ],
    {
      now: new Date(Date.now() - 3 * 86_400_000),
    },
  );
  // a second CA the server does not trust
  await pki.run(['init', '--out', 'rogue-ca']);
  await pki.run([
    'issue',
    '--ca',
    'rogue-ca',
    '--name',
    'rogue',
    '--merchant',
    server.merchantId,
    '--out',
    'clients',
  ]);
});

afterAll(async () => {
  await server?.close();
  await tdb?.drop();
  pki?.remove();
});

const auditRows = async () =>
  (
    await tdb.db.query<{ merchant_id: string; object_id: string | null; details: { reason: string } }>(
      `SELECT merchant_id, object_id, details FROM audit_log WHERE action = 'auth.client_certificate' ORDER BY occurred_at`,
    )
  ).rows;

describe('local mutual TLS: the handshake', () => {
  /** Connects with `tls`; expects the server to close the connection before any HTTP answer, for `reason`. */
  async function expectRefused(tls: ClientTls, reason: RegExp): Promise<void> {
    refusals.length = 0;
    const error = await tlsCall(balance(), tls, { apiKey: server.key }).then(
      (res): NodeJS.ErrnoException => new Error(`answered ${res.status}`),
      (err: NodeJS.ErrnoException) => err,
    );
    expect(error.code).toMatch(/^(ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/);
    await expect.poll(() => refusals.join('; ')).toMatch(reason);
  }

  it('refuses a connection without a client certificate', async () => {
    await expectRefused({ ca }, /peer did not return a certificate/);
  });

  it('refuses a certificate from a CA outside the truststore', async () => {
    await expectRefused(client('rogue'), /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('refuses an expired certificate', async () => {
    await expectRefused(client('expired'), /CERT_HAS_EXPIRED/);
  });

  it('refuses the server certificate presented as a client certificate (no clientAuth)', async () => {
    const asClient = {
      cert: pki.read('server/localhost.pem'),
      key: pki.read('server/localhost-key.pem'),
      ca,
    };
    await expectRefused(asClient, /INVALID_PURPOSE/);
  });

  it('serves the probes to any trusted certificate, bound or not', async () => {
    expect((await tlsCall(`${server.url}/health`, client('unbound'))).status).toBe(200);
  });
});

describe('local mutual TLS: the certificate rule on /v1/', () => {
  it('answers 200 for a valid certificate with its merchant key', async () => {
    const res = await tlsCall(balance(), client('partner-a'), { apiKey: server.key });
    expect(res.status).toBe(200);
    expect(res.json.object).toBe('balance');
  });

  it("answers 403 for a valid certificate with another merchant's key", async () => {
    const res = await tlsCall(balance(), client('partner-a'), { apiKey: other.key });
    expect(res).toEqual({
      status: 403,
      json: {
        error: {
          type: 'invalid_request_error',
          code: 'client_certificate_merchant_mismatch',
          message: 'The API key belongs to a different merchant account than the client certificate.',
        },
      },
    });
  });

  it('answers 403 for a certificate bound to no merchant', async () => {
    const res = await tlsCall(balance(), client('unbound'), { apiKey: server.key });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({
      code: 'client_certificate_invalid',
      message: expect.stringMatching(/not bound/),
    });
  });

  it('still answers 401 without an API key', async () => {
    expect((await tlsCall(balance(), client('partner-a'))).status).toBe(401);
  });

  it('answers 403 once the certificate is revoked, on an open connection too, without a restart', async () => {
    const agent = new Agent({ ...client('partner-b'), keepAlive: true, maxSockets: 1 });
    try {
      expect((await tlsCall(balance(), agent, { apiKey: server.key })).status).toBe(200);
      const serial = pki.serial('clients/partner-b.pem');
      await pki.run(['revoke', '--ca', 'ca', '--serial', serial, '--reason', 'keyCompromise']);
      const res = await tlsCall(balance(), agent, { apiKey: server.key });
      expect(res.status).toBe(403);
      expect(res.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'client_certificate_revoked',
        message: expect.stringContaining(`The client certificate ${serial} was revoked at`),
      });
      const audited = (await auditRows()).find((row) => row.object_id === serial);
      expect(audited).toMatchObject({
        merchant_id: server.merchantId,
        details: { reason: 'revoked_serial' },
      });
    } finally {
      agent.destroy();
    }
  });

  it("answers 403 when the authorizer's merchant header names another merchant", async () => {
    const res = await tlsCall(balance(), client('partner-a'), {
      apiKey: server.key,
      headers: { 'X-Tessera-Client-Certificate-Merchant': other.merchantId },
    });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('client_certificate_merchant_mismatch');
  });
});

describe('calling the local mutual-TLS mode as the README shows', () => {
  it('works with the Stripe SDK through an https agent carrying the client certificate', async () => {
    const stripe = (tls: ClientTls) =>
      new Stripe(server.key, {
        host: 'localhost',
        port: server.port,
        protocol: 'https',
        httpAgent: new Agent({ cert: tls.cert, key: tls.key, ca: tls.ca }),
        maxNetworkRetries: 0,
      });
    const balanceObject = await stripe(client('partner-a')).balance.retrieve();
    expect(balanceObject.object).toBe('balance');
    const refused = await stripe(client('unbound'))
      .balance.retrieve()
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(refused).toMatchObject({ statusCode: 403, code: 'client_certificate_invalid' });
  });

  it('works with curl --cert/--key/--cacert', async () => {
    const { stdout } = await promisify(execFile)('curl', [
      '--silent',
      '--show-error',
      '--cacert',
      pki.path('ca/ca.pem'),
      '--cert',
      pki.path('clients/partner-a.pem'),
      '--key',
      pki.path('clients/partner-a-key.pem'),
      `https://localhost:${server.port}/v1/balance`,
      '-u',
      `${server.key}:`,
    ]);
    expect(JSON.parse(stdout).object).toBe('balance');
    await expect(
      promisify(execFile)('curl', [
        '--silent',
        '--fail',
        '--cacert',
        pki.path('ca/ca.pem'),
        `https://localhost:${server.port}/health`,
      ]),
    ).rejects.toThrow();
  });
});
