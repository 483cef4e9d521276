import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, loadMigrations } from '../../src/db/migrate.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { createTestDatabase, TEST_PG, type TestDatabase } from '../support/database.js';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('migrations', () => {
  it('are applied once under the advisory lock even when several instances start together', async () => {
    const others = [1, 2, 3].map(() => new PostgresDatabase({ ...TEST_PG, database: tdb.name, max: 2 }));
    try {
      const results = await Promise.all([migrate(tdb.db), ...others.map((db) => migrate(db))]);
      const all = results.flat();
      expect(all).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(tdb.db)).toEqual([]);
      const { rows } = await tdb.db.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migrations');
      expect(Number(rows[0]?.n)).toBe(loadMigrations().length);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });
});

describe('ledger', () => {
  it('refuses an unbalanced transaction at commit and any change to postings', async () => {
    await tdb.db.query(`INSERT INTO merchants (id, name) VALUES ('acct_ledger', 'Ledger')`);
    await tdb.db.query(
      `INSERT INTO ledger_accounts (id, merchant_id, currency, kind) VALUES
        ('acct_ledger:usd:cardholder_holds', 'acct_ledger', 'usd', 'cardholder_holds'),
        ('acct_ledger:usd:merchant_pending', 'acct_ledger', 'usd', 'merchant_pending')`,
    );
    const write = (amounts: [number, number]) =>
      tdb.db.transaction(async (tx) => {
        const txId = `txn_${amounts.join('_')}`;
        await tx.query(
          `INSERT INTO ledger_transactions (id, merchant_id, kind, currency) VALUES ($1, 'acct_ledger', 'authorization', 'usd')`,
          [txId],
        );
        await tx.query(
          `INSERT INTO ledger_postings (transaction_id, leg, account_id, amount) VALUES
            ($1, 1, 'acct_ledger:usd:cardholder_holds', $2), ($1, 2, 'acct_ledger:usd:merchant_pending', $3)`,
          [txId, amounts[0], amounts[1]],
        );
      });
    await expect(write([100, -99])).rejects.toThrow(/does not balance/);
    await write([100, -100]);
    await expect(tdb.db.query(`UPDATE ledger_postings SET amount = 1`)).rejects.toThrow(/append-only/);
    await expect(tdb.db.query(`DELETE FROM ledger_postings`)).rejects.toThrow(/append-only/);
  });
});
