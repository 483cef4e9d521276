import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excerpt, HttpWebhookSender, type Resolve } from '../../src/webhook-client/webhook-sender.js';
import { startReceiver } from '../support/webhook-receiver.js';

/** The sender's SSRF guard at delivery time: it resolves once, vets every address and connects to the vetted one. */
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 204 }));
});
afterAll(() => receiver.close());

const request = (host: string) => ({
  url: `http://${host}:${receiver.port}/webhook`,
  headers: { 'stripe-signature': 't=1,v1=00' },
  body: JSON.stringify({ id: 'evt_1', type: 'charge.succeeded' }),
});

describe('HttpWebhookSender', () => {
  it('connects to the address it vetted, not to a second DNS answer', async () => {
    const lookups: string[] = [];
    // `.test` never resolves in real DNS: the request only arrives if the vetted address is used
    const resolve: Resolve = async (host) => (lookups.push(host), [{ address: '127.0.0.1', family: 4 }]);
    const sender = new HttpWebhookSender({ allowLoopback: true }, 2000, resolve);
    expect(await sender.send(request('receiver.test'))).toEqual({ status: 204, body: '' });
    expect(lookups).toEqual(['receiver.test']);
    const got = receiver.received.at(-1);
    expect(got?.headers.host).toBe(`receiver.test:${receiver.port}`);
    expect(got?.headers['stripe-signature']).toBe('t=1,v1=00');
    expect(got?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got?.headers['user-agent']).toMatch(/^Tessera\//);
  });

  it('refuses a name with any internal address among its answers, and loopback unless allowed', async () => {
    const before = receiver.received.length;
    const mixed: Resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect(
      await new HttpWebhookSender({ allowLoopback: true }, 2000, mixed).send(request('mixed.test')),
    ).toEqual({
      error: 'refused: mixed.test resolves to 10.0.0.7, a private address webhooks are not delivered to',
    });
    const loopback: Resolve = async () => [{ address: '::ffff:127.0.0.1', family: 6 }];
    expect(
      await new HttpWebhookSender({ allowLoopback: false }, 2000, loopback).send(request('local.test')),
    ).toEqual({
      error:
        'refused: local.test resolves to ::ffff:127.0.0.1, a loopback address webhooks are not delivered to',
    });
    expect(
      await new HttpWebhookSender({ allowLoopback: false }, 2000).send(request('127.0.0.1')),
    ).toMatchObject({
      error: expect.stringContaining('loopback'),
    });
    const none: Resolve = async () => [];
    expect(
      await new HttpWebhookSender({ allowLoopback: true }, 2000, none).send(request('empty.test')),
    ).toEqual({
      error: 'empty.test resolves to no address',
    });
    expect(receiver.received.length).toBe(before);
  });

  it('keeps at most 1 KB of a response body, cut at a character boundary, without NULs', () => {
    expect(excerpt(Buffer.from('é'.repeat(600)))).toBe('é'.repeat(512));
    expect(Buffer.byteLength(excerpt(Buffer.from(`a${'é'.repeat(600)}`)))).toBe(1023);
    expect(excerpt(Buffer.from('a\0b'))).toBe('ab');
  });
});
