import { execFile } from 'node:child_process';
import {
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Connection facts of a throw-away PostgreSQL cluster, handed from the global setup to the tests. */
export interface TempPostgres {
  /** TCP endpoint; only `hostssl` + SCRAM-SHA-256 is accepted there (pg_hba has no other TCP line). */
  readonly host: string;
  readonly port: number;
  /** PEM of the private CA that signed the server certificate (SAN IP:127.0.0.1). */
  readonly caPem: string;
  /** Unix-socket directory where `superuser` logs in with trust auth (setup only). */
  readonly socketDir: string;
  readonly superuser: string;
  /** The server log; `log_statement = 'all'`, so every statement the cluster ran is in there. */
  readonly logFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tempPostgres: TempPostgres;
  }
}

const SUPERUSER = 'tessera_fn_super';

/**
 * Starts a private PostgreSQL cluster with SCRAM password auth and TLS (own CA), so tests can prove that a
 * wrong or retired password is refused — the shared server on 5432 trusts every password. `initdb` refuses
 * to run as root, so under root (CI) the server runs as the `postgres` OS user.
 */
export async function startTempPostgres(): Promise<{ info: TempPostgres; stop: () => Promise<void> }> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  // Under root, TMPDIR may point somewhere the postgres user cannot enter; /tmp is world-traversable.
  const dir = mkdtempSync(join(asRoot ? '/tmp' : tmpdir(), 'tessera-fn-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const asServerUser = async (command: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    await run(file, argv, { cwd: dir });
  };
  let started = false;
  try {
    const caPem = await makeCertificates(dir);
    if (asRoot) chownTree(dir, 'postgres');
    await asServerUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      SUPERUSER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    const port = await freePort();
    writeFileSync(
      join(data, 'pg_hba.conf'),
      [`local all ${SUPERUSER} trust`, 'hostssl all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
    );
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        'ssl = on',
        `ssl_cert_file = '${join(dir, 'server.crt')}'`,
        `ssl_key_file = '${join(dir, 'server.key')}'`,
        "password_encryption = 'scram-sha-256'",
        "log_statement = 'all'",
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 60',
        'shared_buffers = 16MB',
        '',
      ].join('\n'),
    );
    if (asRoot) chownTree(dir, 'postgres');
    await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '60', 'start']);
    started = true;
    const info: TempPostgres = {
      host: '127.0.0.1',
      port,
      caPem,
      socketDir: dir,
      superuser: SUPERUSER,
      logFile,
    };
    const stop = async (): Promise<void> => {
      await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    };
    return { info, stop };
  } catch (error) {
    const log = safeRead(logFile);
    if (started) {
      await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a temporary PostgreSQL: ${String(error)}\n${log}`, { cause: error });
  }
}

function postgresBinDir(): string {
  const override = process.env['TESSERA_PG_BINDIR'];
  if (override) return override;
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql; set TESSERA_PG_BINDIR');
  return join('/usr/lib/postgresql', newest, 'bin');
}

/** A private CA and a server certificate for 127.0.0.1 signed by it. Returns the CA certificate. */
async function makeCertificates(dir: string): Promise<string> {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Tessera rotation test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.crt'),
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
  ]);
  return readFileSync(file('ca.crt'), 'utf8');
}

function chownTree(dir: string, user: string): void {
  const account = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${user}:`))
    ?.split(':');
  const uid = Number(account?.[2]);
  const gid = Number(account?.[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`OS user ${user} not found`);
  const walk = (path: string): void => {
    chownSync(path, uid, gid);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else chownSync(child, uid, gid);
    }
  };
  walk(dir);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return `(no server log; running as ${userInfo().username})`;
  }
}
