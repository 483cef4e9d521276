import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPREVIOUS } from '../../src/secrets-manager/secrets-manager.js';
import { bundleRotationHandler } from '../support/bundle-handler.js';
import { RotationFixture, STEPS } from '../support/rotation-fixture.js';
import { startSecretsManagerEndpoint } from '../support/secrets-manager-endpoint.js';

const run = promisify(execFile);

// Runs the bundle the way the Lambda runtime does: import the module, call `handler` once per step.
const INVOKE = `
const { handler } = await import(process.argv[1]);
const event = JSON.parse(process.argv[2]);
for (const Step of JSON.parse(process.argv[3])) await handler({ ...event, Step });
`;

let workDir = '';
let bundle = '';
let endpoint: Server | undefined;

beforeAll(async () => {
  // Outside the repository, with no node_modules in reach: like /var/task, the bundle must be self-contained.
  workDir = mkdtempSync(join(tmpdir(), 'tessera-rotation-bundle-'));
  bundle = join(workDir, 'index.mjs');
  await bundleRotationHandler(bundle);
});

afterAll(() => {
  endpoint?.close();
  rmSync(workDir, { recursive: true, force: true });
});

function lambdaEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    AWS_LAMBDA_FUNCTION_NAME: 'tessera-dev-secret-rotation',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    NODE_NO_WARNINGS: '1',
    ...extra,
  };
}

describe('the esbuild bundle (as NodejsFunction builds it) runs a full rotation', () => {
  it('rotates through the real AWS SDK client and pg inside the bundle, over verified TLS', async () => {
    const fx = await RotationFixture.create();
    const before = await fx.secretAt(AWSCURRENT);
    const started = await startSecretsManagerEndpoint(fx.secrets);
    endpoint = started.server;
    const caFile = join(workDir, 'rds-ca.pem');
    writeFileSync(caFile, fx.db.caPem);
    const token = fx.startRotation();

    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        INVOKE,
        pathToFileURL(bundle).href,
        JSON.stringify({ SecretId: fx.appSecretArn, ClientRequestToken: token }),
        JSON.stringify(STEPS),
      ],
      { env: lambdaEnv({ SECRETS_MANAGER_ENDPOINT: started.url, DB_TLS_CA_FILE: caFile }) },
    );

    const current = await fx.secretAt(AWSCURRENT);
    expect(current.versionId).toBe(token);
    expect(current.username).toBe(`${fx.baseUser}_clone`);
    expect(await fx.canLogIn(current)).toBe(true);
    expect((await fx.secretAt(AWSPREVIOUS)).versionId).toBe(before.versionId);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { step?: string }).step)).toEqual(
      expect.arrayContaining([...STEPS]),
    );
    for (const password of await fx.allPasswords()) expect(stdout).not.toContain(password);
  });

  it('refuses to start inside Lambda with DB_TLS=disable', async () => {
    const failure = await run(
      process.execPath,
      ['--input-type=module', '-e', INVOKE, pathToFileURL(bundle).href, '{}', '[]'],
      { env: lambdaEnv({ DB_TLS: 'disable' }) },
    ).then(
      () => 'started',
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toContain('DB_TLS: "disable" is a test-only setting and is refused inside Lambda');
  });
});
