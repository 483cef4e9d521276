/**
 * npm run bench:cost — what one payment costs the database and the API, measured so that a shared machine's
 * load hardly moves it: CPU time (not wall time) of the PostgreSQL processes and of the API process, and WAL
 * bytes, per POST /v1/payment_intents (confirm=true, automatic capture, a fresh Idempotency-Key each).
 *
 * It starts a private PostgreSQL cluster (initdb in a temporary folder, Unix socket only, full_page_writes off
 * so WAL counts records, not page images), so no one else's work is in its WAL or its processes. For each
 * round and each checkout — this one, and COST_BASE_DIR when set (another checkout's services/payment-api,
 * e.g. `git archive <commit> | tar -x` with node_modules linked) — it starts the API on a fresh database,
 * warms up, checkpoints, drives COST_PAYMENTS payments over COST_CONNECTIONS connections, and reads
 * /proc/<pid>/stat (utime+stime) of the postmaster and its children and of the API, and the WAL position.
 * Prints one JSON line per run and the medians. Needs initdb/pg_ctl (and runs them as `postgres` under root).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createMerchant } from '../src/app/merchants.js';
import { PostgresDatabase } from '../src/db/postgres.js';
import { deriveServiceKeys } from '../src/secrets.js';
import { spawnApi } from '../test/support/api-process.js';

const env = process.env;
const PAYMENTS = Number(env.COST_PAYMENTS ?? 3000);
const CONNECTIONS = Number(env.COST_CONNECTIONS ?? 8);
const ROUNDS = Number(env.COST_ROUNDS ?? 3);
const PORT = 54331;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const BIN = env.COST_PG_BIN ?? `/usr/lib/postgresql/${readdirSync('/usr/lib/postgresql').sort().at(-1)}/bin`;
const asRoot = process.getuid?.() === 0;

const asServerUser = (command: string, args: string[]) =>
  execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, {
    stdio: 'pipe',
  });

/** utime + stime of a process, in clock ticks (0 once it is gone). */
function cpuTicks(pid: number): number {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function clusterTicks(postmaster: number): number {
  let total = cpuTicks(postmaster);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number((readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')[1]);
      if (parent === postmaster) total += cpuTicks(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

interface Run {
  checkout: string;
  round: number;
  payments: number;
  wal_bytes_per_payment: number;
  db_cpu_ms_per_payment: number;
  api_cpu_ms_per_payment: number;
}

async function measure(checkout: string, cwd: string, round: number, socketDir: string, postmaster: number) {
  const pgConfig = { host: socketDir, port: PORT, user: 'postgres' };
  const database = `cost_${checkout}_${round}`;
  const adminClient = new pg.Client({ ...pgConfig, database: 'postgres' });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${database}`);
  const hmac = randomBytes(32).toString('base64');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cost-'));
  const api = spawnApi(
    {
      DATABASE_URL: '',
      PGHOST: socketDir,
      PGPORT: String(PORT),
      PGUSER: 'postgres',
      PGDATABASE: database,
      SERVICE_HMAC_KEY: hmac,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    [],
    cwd,
  );
  const db = new PostgresDatabase({ ...pgConfig, database, max: 1 });
  try {
    const url = await api.url;
    const { key } = await createMerchant(db, deriveServiceKeys(Buffer.from(hmac, 'base64')), 'Cost', 'bench');
    const headers = {
      authorization: `Bearer ${key.secret}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const card = await fetch(`${url}/v1/payment_methods`, {
      method: 'POST',
      headers,
      body: 'type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2035',
    });
    const pm = ((await card.json()) as { id: string }).id;
    const request = {
      method: 'POST' as const,
      path: '/v1/payment_intents',
      headers,
      body: `amount=1000&currency=usd&payment_method=${pm}&confirm=true`,
      setupRequest: (req: { headers?: Record<string, string> }) => ({
        ...req,
        headers: { ...req.headers, 'idempotency-key': randomBytes(12).toString('hex') },
      }),
    };
    await autocannon({ url, connections: CONNECTIONS, amount: 500, requests: [request] });
    await adminClient.query('CHECKPOINT');
    const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
    const [dbBefore, apiBefore] = [clusterTicks(postmaster), cpuTicks(api.child.pid as number)];
    const result = await autocannon({ url, connections: CONNECTIONS, amount: PAYMENTS, requests: [request] });
    const [dbAfter, apiAfter] = [clusterTicks(postmaster), cpuTicks(api.child.pid as number)];
    const wal = await db.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::text AS bytes',
      [rows[0]?.lsn],
    );
    const paid = result['2xx'];
    if (paid !== PAYMENTS) throw new Error(`${checkout}: ${result.non2xx} of ${PAYMENTS} payments failed`);
    const perPayment = (ticks: number) => Number(((ticks * 1000) / TICKS_PER_SECOND / paid).toFixed(3));
    return {
      checkout,
      round,
      payments: paid,
      wal_bytes_per_payment: Math.round(Number(wal.rows[0]?.bytes) / paid),
      db_cpu_ms_per_payment: perPayment(dbAfter - dbBefore),
      api_cpu_ms_per_payment: perPayment(apiAfter - apiBefore),
    } satisfies Run;
  } finally {
    await db.close();
    api.child.kill('SIGTERM');
    await api.exited;
    await adminClient.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const checkouts: [string, string][] = [['this', join(import.meta.dirname, '..')]];
  if (env.COST_BASE_DIR) checkouts.unshift(['base', env.COST_BASE_DIR]);
  const dir = mkdtempSync(join(asRoot ? '/tmp' : tmpdir(), 'tessera-cost-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  asServerUser(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  asServerUser(join(BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-k ${dir} -c listen_addresses='' -p ${PORT} -c full_page_writes=off`,
    '-w',
    'start',
  ]);
  const runs: Run[] = [];
  try {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (let round = 1; round <= ROUNDS; round += 1) {
      // alternate which checkout goes first, so a drift in the machine's load favours neither
      for (const [checkout, cwd] of round % 2 === 1 ? checkouts : [...checkouts].reverse()) {
        const run = await measure(checkout, cwd, round, dir, postmaster);
        runs.push(run);
        console.log(JSON.stringify(run));
      }
    }
  } finally {
    asServerUser(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  for (const [checkout] of checkouts) {
    const mine = runs.filter((r) => r.checkout === checkout);
    console.log(
      `${checkout}: median of ${mine.length} rounds — WAL ${median(mine.map((r) => r.wal_bytes_per_payment))} B, ` +
        `database CPU ${median(mine.map((r) => r.db_cpu_ms_per_payment))} ms, ` +
        `API CPU ${median(mine.map((r) => r.api_cpu_ms_per_payment))} ms per payment`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
