import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateKey } from '../src/app/merchants.js';
import { deriveServiceKeys } from '../src/secrets.js';
import { createTestDatabase, TEST_PG, type TestDatabase } from './support/database.js';

const run = promisify(execFile);
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const hmac = randomBytes(32).toString('base64');
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'src/cli.ts', ...args], {
    cwd: serviceDir,
    env: {
      ...process.env,
      DATABASE_URL: `postgresql://${TEST_PG.user}@${TEST_PG.host}:${TEST_PG.port}/${tdb.name}`,
      SERVICE_HMAC_KEY: hmac,
    },
  });

describe('CLI', () => {
  it('creates merchants and keys that authenticate, and stores only their hash', async () => {
    const created = await cli('merchant', 'create', '--name', 'CLI shop');
    const merchantId = /merchant (acct_\w+)/.exec(created.stdout)?.[1];
    const first = /secret key (sk_test_\w+)/.exec(created.stdout)?.[1];
    expect(merchantId).toBeDefined();
    expect(first).toBeDefined();
    const second = /secret key (sk_test_\w+)/.exec(
      (await cli('key', 'create', '--merchant', merchantId as string)).stdout,
    )?.[1];
    const keys = deriveServiceKeys(Buffer.from(hmac, 'base64'));
    for (const secret of [first, second]) {
      expect(await authenticateKey(tdb.db, keys, secret as string)).toMatchObject({ merchantId });
    }
    const stored = await tdb.db.query<{ t: string }>("SELECT string_agg(a::text, '|') AS t FROM api_keys a");
    expect(stored.rows[0]?.t).not.toContain((first as string).slice(8));
    expect((await cli('audit', 'verify', '--merchant', merchantId as string)).stdout).toContain('verifies');
    await expect(cli('key', 'create', '--merchant', 'acct_missing')).rejects.toMatchObject({
      stderr: expect.stringContaining('does not exist'),
    });
  }, 120_000); // spawns tsx processes: generous on a loaded CI machine
});
