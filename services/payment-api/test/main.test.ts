import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../src/app/merchants.js';
import { migrate } from '../src/db/migrate.js';
import { deriveServiceKeys } from '../src/secrets.js';
import { spawnApi, testDatabaseEnv } from './support/api-process.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const hmac = randomBytes(32).toString('base64');
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-main-'));
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('entry point', () => {
  it('starts on libpq variables, serves, and on SIGTERM finishes in-flight requests before exiting 0', async () => {
    const api = spawnApi(testDatabaseEnv(tdb.name, hmac, dataDir));
    const url = await api.url;
    expect(api.output()).toContain('postgresql://127.0.0.1');
    expect(api.output()).not.toContain('demo merchant'); // never on a server database

    await migrate(tdb.db);
    const { key } = await createMerchant(
      tdb.db,
      deriveServiceKeys(Buffer.from(hmac, 'base64')),
      'Main',
      'test',
    );
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    // Open a request, send SIGTERM while its body is still arriving, then finish it: it must complete.
    const body = 'amount=1000&currency=usd';
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/payment_intents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key.secret}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(body.length),
        },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        api.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(5)), 300);
      }, 300);
    });
    expect(await inFlight).toBe(200);
    expect(await api.exited).toBe(0);
    expect(api.output()).toContain('shutdown complete');
    const after = await fetch(`${url}/health`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(after).toBe('refused');
  }, 120_000); // spawns tsx processes: generous on a loaded CI machine
});
