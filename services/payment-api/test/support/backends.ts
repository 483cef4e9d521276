import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PgliteDatabase } from '../../src/db/pglite.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

export type StartBackend = () => Promise<{ server: TestServer; close: () => Promise<void> }>;

/**
 * The two databases an SDK suite runs on, for `describe.each`: real PostgreSQL and the embedded default
 * (PGlite, in a temporary directory removed after the file).
 */
export function sdkBackends(name: string, options: TestServerOptions = {}): [string, StartBackend][] {
  const dir = mkdtempSync(join(tmpdir(), `tessera-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return [
    [
      'PostgreSQL',
      async () => {
        const server = await startTestServer(options);
        return { server, close: () => server.close() };
      },
    ],
    [
      'PGlite',
      async () => {
        const db = await PgliteDatabase.open(dir);
        const server = await startTestServer({ ...options, db });
        return { server, close: async () => (await server.close(), await db.close()) };
      },
    ],
  ];
}
