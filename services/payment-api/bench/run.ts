/**
 * npm run bench — payments/s of the API against pgbench TPC-B on the same local PostgreSQL, in one run.
 *
 * 1. creates tessera_api_bench_<rand>, starts the API on it as a separate process (compiled by tsx, LOG_LEVEL=warn);
 * 2. runs `pgbench -i -s PGBENCH_SCALE` in tessera_api_pgbench_<rand>;
 * 3. BENCH_ROUNDS times, alternately: drives POST /v1/payment_intents (confirm=true, automatic capture, a fresh
 *    Idempotency-Key each) with autocannon for BENCH_DURATION seconds over BENCH_CONNECTIONS connections, then
 *    `pgbench -c N -j 2 -T S -M prepared` for as long — alternating keeps a shared machine's changing
 *    background load from favouring one side;
 * 4. prints payments/s, p50/p99 latency, pgbench tps and the ratio (median of the rounds' ratios), checks the
 *    ledger (sum zero, every transaction balanced, balance rows equal to the postings) and the audit chain,
 *    drops both databases.
 * Both contenders reach PostgreSQL the same way (its Unix socket when available, else 127.0.0.1).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { createMerchant } from '../src/app/merchants.js';
import { migrate } from '../src/db/migrate.js';
import { PostgresDatabase } from '../src/db/postgres.js';
import { deriveServiceKeys } from '../src/secrets.js';
import { sealAudit, verifyAuditChain } from '../src/store/audit-store.js';
import { balanceDrift } from '../src/store/ledger-store.js';
import { spawnApi } from '../test/support/api-process.js';

const run = promisify(execFile);
const env = process.env;
// The local server's Unix socket when present (cheaper than loopback TCP for both contenders), else TCP.
const SOCKET_DIR = '/var/run/postgresql';
const PG = {
  host: env.BENCH_PGHOST ?? (existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) ? SOCKET_DIR : '127.0.0.1'),
  port: Number(env.BENCH_PGPORT ?? 5432),
  user: env.BENCH_PGUSER ?? 'postgres',
};
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 16);
const DURATION = Number(env.BENCH_DURATION ?? 10);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const PGBENCH_SCALE = Number(env.PGBENCH_SCALE ?? 10);
const POOL = Number(env.BENCH_DB_POOL_MAX ?? 10);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function startApi(database: string, hmac: string, dataDir: string) {
  // BENCH_API_NODE_ARGS: extra Node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnApi(
    {
      DATABASE_URL: '',
      PGHOST: PG.host,
      PGPORT: String(PG.port),
      PGUSER: PG.user,
      PGDATABASE: database,
      SERVICE_HMAC_KEY: hmac,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: String(POOL),
    },
    nodeArgs,
  );
}

const pgConn = () => ['-h', PG.host, '-p', String(PG.port), '-U', PG.user];

async function pgbenchInit(database: string): Promise<void> {
  await run('pgbench', [...pgConn(), '-i', '-q', '-s', String(PGBENCH_SCALE), database]);
}

async function pgbench(database: string): Promise<number> {
  const conn = pgConn();
  const { stdout } = await run('pgbench', [
    ...conn,
    '-c',
    String(CONNECTIONS),
    '-j',
    '2',
    '-T',
    String(DURATION),
    '-M',
    'prepared',
    database,
  ]);
  const match =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
  if (!match?.[1]) throw new Error(`could not read pgbench tps from:\n${stdout}`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const apiDb = `tessera_api_bench_${suffix}`;
  const pgbenchDb = `tessera_api_pgbench_${suffix}`;
  const hmac = randomBytes(32).toString('base64');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  await admin(`CREATE DATABASE ${apiDb}`);
  await admin(`CREATE DATABASE ${pgbenchDb}`);
  const db = new PostgresDatabase({ ...PG, database: apiDb, max: 2 });
  let api: ReturnType<typeof startApi> | undefined;
  try {
    await migrate(db);
    const { merchant, key } = await createMerchant(
      db,
      deriveServiceKeys(Buffer.from(hmac, 'base64')),
      'Bench',
      'bench',
    );
    const merchantId = merchant.id;
    api = startApi(apiDb, hmac, dataDir);
    const url = await api.url;
    const auth = {
      authorization: `Bearer ${key.secret}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const pmRes = await fetch(`${url}/v1/payment_methods`, {
      method: 'POST',
      headers: auth,
      body: 'type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2035',
    });
    const pm = ((await pmRes.json()) as { id: string }).id;
    const body = `amount=1000&currency=usd&payment_method=${pm}&confirm=true`;

    console.log(`PostgreSQL via ${PG.host}; warming up (3 s, ${CONNECTIONS} connections)…`);
    const request = {
      method: 'POST',
      path: '/v1/payment_intents',
      headers: auth,
      body,
      setupRequest: (req: { headers?: Record<string, string> }) => ({
        ...req,
        headers: { ...req.headers, 'idempotency-key': randomBytes(12).toString('hex') },
      }),
    };
    await autocannon({ url, connections: CONNECTIONS, duration: 3, requests: [request] });
    await pgbenchInit(pgbenchDb);
    const rounds: {
      payments: number;
      tps: number;
      p50: number;
      p99: number;
      non2xx: number;
      errors: number;
    }[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(
        `round ${round}/${ROUNDS}: payments (create+confirm, automatic capture, ${CONNECTIONS} connections, ${DURATION} s)…`,
      );
      const result = await autocannon({
        url,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [request],
      });
      console.log(
        `round ${round}/${ROUNDS}: pgbench TPC-B (scale ${PGBENCH_SCALE}, -c ${CONNECTIONS} -j 2 -T ${DURATION} -M prepared)…`,
      );
      const tps = await pgbench(pgbenchDb);
      rounds.push({
        payments: result['2xx'] / result.duration,
        tps,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
      });
      console.log(`  ${Math.round(result['2xx'] / result.duration)} payments/s vs ${Math.round(tps)} tps`);
    }

    await sealAudit(db);
    const { rows } = await db.query<{
      succeeded: string;
      total: string;
      unbalanced: string;
      broken: number | null;
    }>(
      `SELECT (SELECT count(*)::text FROM payment_intents WHERE status = 'succeeded') AS succeeded,
              (SELECT coalesce(sum(amount), 0)::text FROM ledger_postings) AS total,
              (SELECT count(*)::text FROM (SELECT 1 FROM ledger_postings GROUP BY transaction_id HAVING sum(amount) <> 0) x) AS unbalanced`,
    );
    const auditBroken = await verifyAuditChain(db, merchantId);
    const drift = await balanceDrift(db);
    api.child.kill('SIGTERM');
    await api.exited;

    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const paymentsPerSecond = median(rounds.map((r) => r.payments));
    const tps = median(rounds.map((r) => r.tps));
    const summary = {
      rounds: rounds.length,
      payments_per_second: Math.round(paymentsPerSecond),
      latency_p50_ms: median(rounds.map((r) => r.p50)),
      latency_p99_ms: median(rounds.map((r) => r.p99)),
      non_2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
      errors: rounds.reduce((a, r) => a + r.errors, 0),
      pgbench_tps: Math.round(tps),
      ratio_payments_per_pgbench_tps: Number(median(rounds.map((r) => r.payments / r.tps)).toFixed(2)),
      payments_succeeded_in_db: Number(rows[0]?.succeeded),
      ledger_sum: Number(rows[0]?.total),
      unbalanced_ledger_transactions: Number(rows[0]?.unbalanced),
      balance_rows_match_postings: drift.length === 0,
      audit_chain_intact: auditBroken === null,
    };
    console.log('\nresults');
    console.log(`  payments/s           ${summary.payments_per_second}`);
    console.log(`  latency p50 / p99    ${summary.latency_p50_ms} ms / ${summary.latency_p99_ms} ms`);
    console.log(`  non-2xx / errors     ${summary.non_2xx} / ${summary.errors}`);
    console.log(`  pgbench tps          ${summary.pgbench_tps}`);
    console.log(
      `  ratio                ${summary.ratio_payments_per_pgbench_tps} (median of ${summary.rounds} rounds; target >= 0.5)`,
    );
    console.log(
      `  ledger               sum ${summary.ledger_sum}, unbalanced transactions ${summary.unbalanced_ledger_transactions}`,
    );
    console.log(
      `  balances             ${summary.balance_rows_match_postings ? 'balance rows = sum of postings' : `DRIFT in ${drift.length} accounts`}`,
    );
    console.log(`  audit chain          ${summary.audit_chain_intact ? 'intact' : 'BROKEN'}`);
    console.log(JSON.stringify(summary));
  } finally {
    if (api && api.child.exitCode === null) api.child.kill('SIGTERM');
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${apiDb} WITH (FORCE)`);
    await admin(`DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
