import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_PG } from './database.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

export interface ApiProcess {
  readonly child: ChildProcess;
  /** The URL the process printed once listening; rejects when it exits first. */
  readonly url: Promise<string>;
  /** The exit code, once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts the real entry point (src/main.ts through tsx) with `env` over this process's environment. It runs
 * node itself (not npx) so that a signal reaches the server process directly, as in the container.
 */
export function spawnApi(
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
  /** Another checkout of this service to run instead (a benchmark's baseline). @default this one */
  cwd: string = serviceDir,
): ApiProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the API exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, url, exited, output: () => output };
}

/** The environment of an API process serving `database` on the local test PostgreSQL, on an ephemeral port. */
export function testDatabaseEnv(
  database: string,
  serviceHmacKey: string,
  dataDir: string,
): NodeJS.ProcessEnv {
  return {
    PGHOST: TEST_PG.host,
    PGPORT: String(TEST_PG.port),
    PGUSER: TEST_PG.user,
    PGDATABASE: database,
    DATABASE_URL: '',
    SERVICE_HMAC_KEY: serviceHmacKey,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
  };
}
