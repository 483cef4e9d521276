import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateKey } from '../src/app/merchants.js';
import { deriveServiceKeys } from '../src/secrets.js';
import { utcDay } from '../src/domain/settlement.js';
import { createTestDatabase, TEST_PG, type TestDatabase } from './support/database.js';
import { call, CARDS, createCard, startTestServer } from './support/server.js';

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

const cli = (...args: string[]) => cliWith({}, ...args);
const cliWith = (env: Record<string, string>, ...args: string[]) =>
  run('npx', ['tsx', 'src/cli.ts', ...args], {
    cwd: serviceDir,
    env: {
      ...process.env,
      DATABASE_URL: `postgresql://${TEST_PG.user}@${TEST_PG.host}:${TEST_PG.port}/${tdb.name}`,
      SERVICE_HMAC_KEY: hmac,
      ...env,
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

  it('settlement run settles a day once, prints a summary per merchant and writes the report under the data dir', async () => {
    // payments with no settlement delay, so that today's captures are due today
    const server = await startTestServer({ db: tdb.db, env: { SETTLEMENT_DELAY_DAYS: '0' }, fees: 'stripe' });
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-settlement-'));
    try {
      const s = { url: server.url, key: server.key };
      const pm = await createCard(s, CARDS.visa, server.key);
      for (const amount of [10_000, 1_500]) {
        await call(s, 'POST', '/v1/payment_intents', {
          form: { amount, currency: 'usd', payment_method: pm, confirm: true },
        });
      }
      const today = utcDay(new Date());
      const settle = (...args: string[]) => cliWith({ DATA_DIR: dataDir }, 'settlement', 'run', ...args);
      const first = await settle('--date', today, '--merchant', server.merchantId);
      const report = join(dataDir, 'documents', 'settlements', server.merchantId, `${today}.csv`);
      // 10 000 − 320 and 1 500 − 74
      expect(first.stdout).toContain(
        `${server.merchantId}\t${today}\tsettled: usd 2 transactions, amount 11500, fee 394, net 11106\treport ${report}\n`,
      );
      const csv = readFileSync(report, 'utf8');
      expect(csv.split('\r\n').at(-2)).toMatch(
        new RegExp(`^total,2 transactions,,${today},usd,11500,394,11106,txn_`),
      );
      const balance = await call(s, 'GET', '/v1/balance');
      expect(balance.json.available[0]).toMatchObject({ currency: 'usd', amount: 11_106 });

      // every merchant by default; re-running changes nothing and leaves the report as it was
      const again = await settle('--date', today);
      expect(again.stdout).toContain(`${server.merchantId}\t${today}\talready settled: usd 2 transactions`);
      expect(again.stdout).toContain(`${report} (unchanged)`);
      expect(again.stdout).toMatch(/acct_\w+\t\d{4}-\d{2}-\d{2}\tnothing to settle/);
      expect(readFileSync(report, 'utf8')).toBe(csv);

      await expect(settle('--date', '2026-13-01')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--date 2026-13-01: "2026-13-01" is not a date; expected YYYY-MM-DD'),
      });
      await expect(settle('--date', '2999-01-01')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--date 2999-01-01: 2999-01-01 is in the future'),
      });
      await expect(settle()).rejects.toMatchObject({ stderr: expect.stringContaining('needs --date') });
      await expect(settle('--date', today, '--merchant', 'acct_missing')).rejects.toMatchObject({
        stderr: expect.stringContaining('--merchant acct_missing: merchant acct_missing does not exist'),
      });
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
