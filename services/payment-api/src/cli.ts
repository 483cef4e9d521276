import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createApiKey, createMerchant, listMerchants, revokeApiKey } from './app/merchants.js';
import { settleDay, UnknownMerchantError, type MerchantSettlement } from './app/settlement.js';
import { ConfigError, loadConfig } from './config.js';
import { parseSettlementDate, SettlementDateError, type SettlementDate } from './domain/settlement.js';
import { createDocumentStore, migrateDatabase, openDatabase } from './runtime.js';
import { deriveServiceKeys, loadServiceHmacKey } from './secrets.js';
import { sealAudit, verifyAuditChain } from './store/audit-store.js';

const USAGE = `usage: npm run cli -w services/payment-api -- <command>

  merchant create --name <name>       create a merchant and its first secret key (shown once)
  merchant list                       list merchants
  key create --merchant <acct_…>      issue another secret key for a merchant (shown once)
  key revoke --key <key_…>            revoke a key
  audit verify --merchant <acct_…>    verify the merchant's audit hash chain
  settlement run --date <YYYY-MM-DD> [--merchant <acct_…>]
                                      settle the funds due on or before that UTC day (all merchants by
                                      default) and write each merchant's report; re-running changes nothing

Uses the same configuration as the server (DATABASE_URL / PG* variables, or the embedded database in
DATA_DIR, default .tessera/ — stop the server first when using the embedded database).`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** One merchant's line of `settlement run`: what it settled per currency, and where the report is. */
function settlementSummary(s: MerchantSettlement): string {
  if (s.totals.length === 0) return `${s.merchantId}\t${s.date}\tnothing to settle`;
  const currencies = s.totals
    .map((t) => `${t.currency} ${t.count} transactions, amount ${t.amount}, fee ${t.fee}, net ${t.net}`)
    .join('; ');
  const state = s.settledNow ? 'settled' : 'already settled';
  const report = s.report
    ? `report ${s.report.location}${s.report.outcome === 'exists' ? ' (unchanged)' : ''}`
    : '';
  return `${s.merchantId}\t${s.date}\t${state}: ${currencies}\t${report}`;
}

async function main(argv: string[]): Promise<void> {
  const [noun, verb, ...rest] = argv;
  if (!noun || !verb || noun === '--help' || noun === 'help') {
    console.log(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      merchant: { type: 'string' },
      key: { type: 'string' },
      date: { type: 'string' },
    },
    strict: true,
  });
  const config = loadConfig(process.env);
  const actor = `cli:${userInfo().username}`;
  const command = `${noun} ${verb}`;
  // checked before the database is opened: a typo never waits for a connection
  let settlementDate: SettlementDate | undefined;
  if (command === 'settlement run') {
    if (!values.date) fail('settlement run needs --date <YYYY-MM-DD> (a UTC day, today or earlier)');
    try {
      settlementDate = parseSettlementDate(values.date, new Date());
    } catch (err) {
      if (err instanceof SettlementDateError) fail(`--date ${values.date}: ${err.message}`);
      throw err;
    }
  }
  const db = await openDatabase(config);
  try {
    await migrateDatabase(config, db);
    const keys = deriveServiceKeys(
      loadServiceHmacKey(process.env, config.dataDir, config.database.kind === 'pglite'),
    );
    if (command === 'merchant create') {
      const name = values.name?.trim();
      if (!name || name.length > 200) fail('merchant create needs --name <name> (1 to 200 characters)');
      const { merchant, key } = await createMerchant(db, keys, name, actor);
      console.log(`merchant ${merchant.id} (${merchant.name})`);
      console.log(`secret key ${key.secret}  (id ${key.id}; shown once, only its hash is stored)`);
    } else if (command === 'merchant list') {
      for (const m of await listMerchants(db)) console.log(`${m.id}\t${m.name}`);
    } else if (command === 'key create') {
      if (!values.merchant) fail('key create needs --merchant <acct_…>');
      const key = await createApiKey(db, keys, values.merchant, actor);
      console.log(`secret key ${key.secret}  (id ${key.id}; shown once, only its hash is stored)`);
    } else if (command === 'key revoke') {
      if (!values.key) fail('key revoke needs --key <key_…>');
      if (!(await revokeApiKey(db, values.key, actor))) fail(`no active key ${values.key}`);
      console.log(`revoked ${values.key}`);
    } else if (command === 'audit verify') {
      if (!values.merchant) fail('audit verify needs --merchant <acct_…>');
      await sealAudit(db);
      const broken = await verifyAuditChain(db, values.merchant);
      if (broken !== null) fail(`audit chain of ${values.merchant} is broken at record ${broken}`);
      console.log(`audit chain of ${values.merchant} verifies`);
    } else if (command === 'settlement run' && settlementDate) {
      const deps = { db, documents: createDocumentStore(config) };
      try {
        const results = await settleDay(deps, settlementDate, actor, values.merchant);
        for (const result of results) console.log(settlementSummary(result));
      } catch (err) {
        if (err instanceof UnknownMerchantError) fail(`--merchant ${values.merchant}: ${err.message}`);
        throw err;
      }
    } else {
      fail(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof ConfigError ? `configuration error: ${message}` : `error: ${message}`);
  process.exit(1);
});
