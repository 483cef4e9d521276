import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { appendAudit, sealAudit, verifyAuditChain } from '../../src/store/audit-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await migrate(tdb.db);
});
afterAll(async () => {
  await tdb?.drop();
});

describe('audit log', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    await tdb.db.query(`INSERT INTO merchants (id, name) VALUES ('acct_audit', 'Audit')`);
    await appendAudit(tdb.db, [
      {
        merchantId: 'acct_audit',
        actor: 'key_1',
        action: 'payment_intent.create',
        outcome: 'success',
        objectType: 'payment_intent',
        objectId: 'pi_1',
        sourceIp: '10.0.0.1',
      },
      {
        merchantId: 'acct_audit',
        actor: 'key_1',
        action: 'refund.create',
        outcome: 'success',
        objectType: 'refund',
        objectId: 're_1',
        sourceIp: '10.0.0.1',
      },
      {
        merchantId: 'acct_audit',
        actor: 'key_1',
        action: 'payment_intent.confirm',
        outcome: 'failure',
        objectType: 'payment_intent',
        objectId: 'pi_1',
      },
    ]);
    expect(await sealAudit(tdb.db)).toBe(3);
    await expect(
      tdb.db.query(`UPDATE audit_log SET outcome = 'success' WHERE chain_id = 'acct_audit'`),
    ).rejects.toThrow(/append-only/);
    await expect(tdb.db.query(`DELETE FROM audit_log WHERE chain_id = 'acct_audit'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(tdb.db.query('TRUNCATE audit_log, audit_chain, audit_unsealed')).rejects.toThrow(
      /append-only/,
    );
    await expect(tdb.db.query(`DELETE FROM audit_chain WHERE chain_id = 'acct_audit'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(tdb.db.query(`UPDATE audit_chain SET hash = prev_hash`)).rejects.toThrow(/append-only/);
    const { rows } = await tdb.db.query<{
      seq: string;
      actor: string;
      action: string;
      outcome: string;
      source_ip: string | null;
    }>(
      `SELECT c.seq::text, a.actor, a.action, a.outcome, a.source_ip
         FROM audit_log a JOIN audit_chain c ON c.audit_id = a.id WHERE a.chain_id = 'acct_audit' ORDER BY c.seq`,
    );
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3']);
    expect(rows[0]).toMatchObject({
      actor: 'key_1',
      action: 'payment_intent.create',
      outcome: 'success',
      source_ip: '10.0.0.1',
    });
  });

  it('is hash-chained per merchant, and verification finds a tampered record', async () => {
    await tdb.db.query(`INSERT INTO merchants (id, name) VALUES ('acct_other', 'Other')`);
    await appendAudit(tdb.db, [
      { merchantId: 'acct_other', actor: 'key_2', action: 'merchant.create', outcome: 'success' },
    ]);
    await sealAudit(tdb.db);
    const { rows } = await tdb.db.query<{ seq: string }>(
      `SELECT seq::text FROM audit_chain WHERE chain_id = 'acct_other'`,
    );
    expect(rows.map((r) => r.seq)).toEqual(['1']); // its own chain, not a global sequence
    expect(await verifyAuditChain(tdb.db, 'acct_audit')).toBeNull();
    // An attacker with superuser rights bypasses the trigger; the chain still exposes the edit.
    await tdb.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query(
        `UPDATE audit_log SET outcome = 'success'
          WHERE id = (SELECT audit_id FROM audit_chain WHERE chain_id = 'acct_audit' AND seq = 3)`,
      );
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    expect(await verifyAuditChain(tdb.db, 'acct_audit')).toBe(3);
    expect(await verifyAuditChain(tdb.db, 'acct_other')).toBeNull();
    // A record slipped in without its chain link is reported too.
    await tdb.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_enqueue');
      await tx.query(
        `INSERT INTO audit_log (id, chain_id, merchant_id, actor, action, outcome) VALUES ('aud_forged', 'acct_other', 'acct_other', 'x', 'y', 'success')`,
      );
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_enqueue');
    });
    expect(await verifyAuditChain(tdb.db, 'acct_other')).toBe(0);
  });

  it('seals interleaved chains in small concurrent batches, each chain gapless and verifiable', async () => {
    const chains = ['acct_seal_a', 'acct_seal_b', 'acct_seal_c'];
    for (let round = 0; round < 3; round += 1) {
      await appendAudit(
        tdb.db,
        [...chains, ...chains].map((merchantId, i) => ({
          merchantId,
          actor: 'key_seal',
          action: `action_${round}_${i}`,
          outcome: 'success' as const,
        })),
      );
    }
    // Batches of 4 cut through the chains, so a chain's head is carried over from one batch to the next.
    const sealed = await Promise.all([sealAudit(tdb.db, 4), sealAudit(tdb.db, 4)]);
    expect(sealed[0] + sealed[1]).toBe(18);
    for (const chain of chains) {
      const { rows } = await tdb.db.query<{ seq: string; action: string }>(
        `SELECT c.seq::text, a.action FROM audit_chain c JOIN audit_log a ON a.id = c.audit_id
          WHERE c.chain_id = $1 ORDER BY c.seq`,
        [chain],
      );
      expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6']);
      const head = await tdb.db.query<{ seq: string }>(
        'SELECT seq::text FROM audit_chain_heads WHERE chain_id = $1',
        [chain],
      );
      expect(head.rows[0]?.seq).toBe('6');
      expect(await verifyAuditChain(tdb.db, chain)).toBeNull();
    }
    const { rows } = await tdb.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_unsealed WHERE chain_id LIKE 'acct_seal_%'`,
    );
    expect(rows[0]?.n).toBe('0');
  });
});
