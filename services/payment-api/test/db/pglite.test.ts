import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../src/db/pglite.js';
import { call, createCard, startTestServer } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded default (PGlite)', () => {
  it('serves a payment end to end, keeps its data across restarts and refuses a second process', async () => {
    const db = await PgliteDatabase.open(dir);
    let paymentId: string;
    try {
      await expect(PgliteDatabase.open(dir)).rejects.toThrow(/in use by process/);
      const server = await startTestServer({ db });
      try {
        const pm = await createCard(server);
        // concurrent requests share PGlite's single connection through the queue
        const [a, b] = await Promise.all([
          call(server, 'POST', '/v1/payment_intents', {
            form: {
              amount: 1500,
              currency: 'usd',
              payment_method: pm,
              confirm: true,
              capture_method: 'manual',
            },
          }),
          call(server, 'POST', '/v1/payment_intents', {
            form: { amount: 100, currency: 'usd' },
            idempotencyKey: 'pglite-1',
          }),
        ]);
        expect(b.status).toBe(200);
        expect(a.json.status).toBe('requires_capture');
        paymentId = a.json.id;
        const captured = await call(server, 'POST', `/v1/payment_intents/${paymentId}/capture`, {
          form: { amount_to_capture: 1000 },
        });
        expect(captured.json.status).toBe('succeeded');
        const refund = await call(server, 'POST', '/v1/refunds', {
          form: { payment_intent: paymentId, amount: 400 },
        });
        expect(refund.status).toBe(200);
        const balance = await call(server, 'GET', '/v1/balance');
        // the capture is pending until settled, the refund came out of available (ADR 0032)
        expect(balance.json.available[0]).toMatchObject({ currency: 'usd', amount: -400 });
        expect(balance.json.pending[0]).toMatchObject({ currency: 'usd', amount: 1000 });
        await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      } finally {
        await server.close();
      }
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, 'pglite.pid'))).toBe(false);
    const reopened = await PgliteDatabase.open(dir);
    try {
      const { rows } = await reopened.query<{ amount_refunded: unknown }>(
        'SELECT amount_refunded FROM payment_intents WHERE id = $1',
        [paymentId],
      );
      expect(Number(rows[0]?.amount_refunded)).toBe(400);
    } finally {
      await reopened.close();
    }
  }, 120_000); // PGlite (WASM) start-up is slow on a loaded machine
});
