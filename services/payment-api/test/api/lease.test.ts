import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAcquirer, type Acquirer, type AuthorizationRequest } from '../../src/acquirer/index.js';
import { call, CARDS, createCard, startTestServer, type TestServer } from '../support/server.js';

const LEASE_SECONDS = 3;

/** A sandbox whose authorizations wait at a gate, like a slow acquirer. */
class GatedAcquirer implements Acquirer {
  readonly sandbox = new SandboxAcquirer();
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private reached!: () => void;
  readonly waiting = new Promise<void>((resolve) => (this.reached = resolve));

  async authorize(req: AuthorizationRequest) {
    this.reached();
    await this.gate;
    return this.sandbox.authorize(req);
  }
  capture: Acquirer['capture'] = (req) => this.sandbox.capture(req);
  void: Acquirer['void'] = (req) => this.sandbox.void(req);
  refund: Acquirer['refund'] = (req) => this.sandbox.refund(req);

  release(): void {
    this.open();
  }
}

const acquirer = new GatedAcquirer();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ acquirer, leaseSeconds: LEASE_SECONDS });
});
afterAll(async () => {
  acquirer.release();
  await server?.close();
});

describe('the in-flight lease', () => {
  it('is renewed while a slow request runs, so a retry past the lease gets 409 instead of a second charge', async () => {
    const pm = await createCard(server, CARDS.visa);
    const form = { amount: 990, currency: 'usd', payment_method: pm, confirm: true };
    const first = call(server, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'slow-1' });
    await acquirer.waiting;
    await sleep((LEASE_SECONDS + 1.5) * 1000); // longer than the lease: only the heartbeat keeps it
    const retry = await call(server, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'slow-1' });
    expect([retry.status, retry.json.error.type]).toEqual([409, 'idempotency_error']);
    acquirer.release();
    const done = await first;
    expect(done.status).toBe(200);
    const replay = await call(server, 'POST', '/v1/payment_intents', { form, idempotencyKey: 'slow-1' });
    expect(replay.text).toBe(done.text);
    expect(acquirer.sandbox.effects().filter((e) => e.kind === 'authorize')).toHaveLength(1);
  }, 30_000);
});
