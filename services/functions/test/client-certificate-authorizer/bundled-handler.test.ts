import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZER_ENTRY, bundleHandler } from '../support/bundle-handler.js';
import type { PkiWorkspace } from '@tessera/pki/testing';
import { MERCHANT, createTestPki } from '../support/test-certificates.js';

const run = promisify(execFile);
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/GET/v1/balance';

// Like the Lambda runtime: import the bundle, call `handler` with each event, print each result as one line.
const INVOKE = `
const { handler } = await import(process.argv[1]);
for (const event of JSON.parse(process.argv[2])) {
  try { console.log(JSON.stringify({ result: await handler(event) })); }
  catch (err) { console.log(JSON.stringify({ error: err.message })); }
}
`;

let workDir = '';
let bundle = '';
let pki: PkiWorkspace;
let s3: Server;
let s3Url = '';
let requests: string[] = [];

beforeAll(async () => {
  // Outside the repository, with no node_modules in reach: the bundle must carry @tessera/pki and the SDK.
  workDir = mkdtempSync(join(tmpdir(), 'tessera-authorizer-bundle-'));
  bundle = join(workDir, 'index.mjs');
  await bundleHandler(AUTHORIZER_ENTRY, bundle);
  pki = await createTestPki();
  await pki.run(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'clients']);
  // A stand-in for S3 GetObject (path-style, as the SDK addresses a custom endpoint): serves the CA folder's
  // current revocations.json at /<bucket>/<key>.
  s3 = createServer((req, res) => {
    requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    if (req.url?.startsWith('/tessera-dev-pki/partner/revocations.json')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(pki.read('ca/revocations.json'));
    } else {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
    }
  });
  await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
  s3Url = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
});

afterAll(() => {
  s3?.close();
  pki?.remove();
  rmSync(workDir, { recursive: true, force: true });
});

async function invoke(events: unknown[], env: Record<string, string>) {
  requests = [];
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, pathToFileURL(bundle).href, JSON.stringify(events)],
    {
      env: {
        PATH: process.env['PATH'],
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
        AWS_SECRET_ACCESS_KEY: 'local-test-secret',
        AWS_ENDPOINT_URL_S3: s3Url,
        NODE_NO_WARNINGS: '1',
        REVOCATION_LIST_BUCKET: 'tessera-dev-pki',
        REVOCATION_LIST_KEY: 'partner/revocations.json',
        ...env,
      },
    },
  );
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    outputs: lines.filter((l) => !('level' in l)),
    logs: lines.filter((l) => 'level' in l),
  };
}

const event = () => ({
  type: 'REQUEST',
  methodArn: METHOD_ARN,
  requestContext: { identity: { clientCert: { clientCertPem: pki.read('clients/partner-a.pem') } } },
});

describe('the esbuild bundle of the client certificate authorizer', () => {
  it('allows, then denies after the serial is revoked, reading the list from S3 once per TTL', async () => {
    const allowed = await invoke([event(), event()], { REVOCATION_LIST_TTL_SECONDS: '60' });
    expect(
      allowed.outputs.map((o) => (o.result as { context: { merchantId?: string } }).context.merchantId),
    ).toEqual([MERCHANT, MERCHANT]);
    expect(requests).toEqual(['GET /tessera-dev-pki/partner/revocations.json']); // cached for the second call

    await pki.run(['revoke', '--ca', 'ca', '--serial', pki.serial('clients/partner-a.pem')]);
    const denied = await invoke([event()], { REVOCATION_LIST_TTL_SECONDS: '0' });
    expect(denied.outputs[0]).toMatchObject({
      result: {
        policyDocument: { Statement: [{ Effect: 'Deny' }] },
        context: { denyReason: 'revoked_serial' },
      },
    });
    // the log line names the certificate, never its PEM
    expect(JSON.stringify(denied.logs)).not.toContain('BEGIN CERTIFICATE');
  });

  it('fails the invocation (500 at API Gateway) when the list object is missing', async () => {
    const { outputs, logs } = await invoke([event()], { REVOCATION_LIST_KEY: 'missing.json' });
    expect(outputs).toEqual([{ error: 'client certificate authorizer unavailable' }]);
    expect(logs[0]).toMatchObject({ level: 'error', location: 's3://tessera-dev-pki/missing.json' });
    expect(String(logs[0]?.error)).toMatch(/cannot read s3:\/\/tessera-dev-pki\/missing.json/);
  });

  it('refuses to start without its configuration', async () => {
    await expect(invoke([event()], { REVOCATION_LIST_BUCKET: '' })).rejects.toThrow(
      /REVOCATION_LIST_BUCKET is required/,
    );
  });
});
