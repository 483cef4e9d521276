import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, isEventType, subscribes } from '../../src/domain/event-types.js';
import {
  DEFAULT_RETRY_SCHEDULE,
  EMBEDDED_RETRY_SCHEDULE,
  nextRetryDelaySeconds,
  parseRetrySchedule,
  scheduleSpanSeconds,
} from '../../src/domain/retry-schedule.js';
import { newWebhookSecret, signatureHeader, verifiesWith } from '../../src/domain/webhook-signature.js';
import { addressAllowed, checkWebhookUrl, classifyAddress } from '../../src/domain/webhook-url.js';

const LOCAL = { allowLoopback: true };
const AWS = { allowLoopback: false };

describe('webhook signatures (Stripe v1 scheme)', () => {
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.succeeded' });
  const stripe = new Stripe('sk_test_x');

  it('is verified unchanged by the official SDK, with one secret and with two (a rolled secret)', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    expect(current).toMatch(/^whsec_[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    const one = signatureHeader([current], now, payload);
    expect(one).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(stripe.webhooks.constructEvent(payload, one, current).id).toBe('evt_1');
    const both = signatureHeader([current, previous], now, payload);
    expect(both.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(stripe.webhooks.constructEvent(payload, both, current).id).toBe('evt_1');
    expect(stripe.webhooks.constructEvent(payload, both, previous).id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(payload, one, previous)).toThrow(/signature/i);
    expect(() => stripe.webhooks.constructEvent(`${payload} `, one, current)).toThrow(/signature/i);
  });

  it('signs t.payload, so another timestamp or body does not verify', () => {
    const secret = newWebhookSecret();
    const header = signatureHeader([secret], 1_700_000_000, payload);
    expect(verifiesWith(header, secret, payload)).toBe(true);
    expect(verifiesWith(header.replace('t=1700000000', 't=1700000001'), secret, payload)).toBe(false);
    expect(verifiesWith(header, secret, payload.replace('evt_1', 'evt_2'))).toBe(false);
    expect(() => signatureHeader([], 1, payload)).toThrow(RangeError);
  });
});

describe('the retry schedule', () => {
  it('retries for about three days by default, and within 10 seconds first on the embedded default', () => {
    const span = scheduleSpanSeconds(DEFAULT_RETRY_SCHEDULE);
    expect(span).toBeGreaterThan(2.5 * 86400);
    expect(span).toBeLessThanOrEqual(3 * 86400);
    expect(DEFAULT_RETRY_SCHEDULE.every((w, i) => i === 0 || w >= (DEFAULT_RETRY_SCHEDULE[i - 1] ?? 0))).toBe(
      true,
    );
    expect(EMBEDDED_RETRY_SCHEDULE[0]).toBeLessThanOrEqual(10);
    expect(scheduleSpanSeconds(EMBEDDED_RETRY_SCHEDULE)).toBeLessThanOrEqual(3 * 86400);
  });

  it('gives the wait after the n-th failure, then abandons', () => {
    expect(nextRetryDelaySeconds([5, 30], 1)).toBe(5);
    expect(nextRetryDelaySeconds([5, 30], 2)).toBe(30);
    expect(nextRetryDelaySeconds([5, 30], 3)).toBeNull();
  });

  it('parses comma-separated seconds and says what is wrong', () => {
    expect(parseRetrySchedule('5, 30,300')).toEqual([5, 30, 300]);
    expect(parseRetrySchedule('5,x')).toEqual({ error: expect.stringContaining('"x"') });
    expect(parseRetrySchedule('0')).toEqual({ error: expect.stringContaining('from 1') });
    expect(parseRetrySchedule('1,,2')).toEqual({ error: expect.stringContaining('""') });
    expect(parseRetrySchedule(Array(51).fill('1').join(','))).toEqual({ error: 'at most 50 retries' });
  });
});

describe('event types', () => {
  it('lists every type the service emits, and * subscribes to all', () => {
    for (const type of [
      'payment_intent.succeeded',
      'payment_intent.requires_action',
      'charge.refunded',
      'charge.refund.updated',
      'refund.created',
      'customer.created',
      'payment_method.attached',
      'payment_method.detached',
      'setup_intent.succeeded',
    ]) {
      expect(isEventType(type), type).toBe(true);
    }
    expect(isEventType('invoice.paid')).toBe(false);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(subscribes(['*'], 'charge.succeeded')).toBe(true);
    expect(subscribes(['charge.failed'], 'charge.succeeded')).toBe(false);
    expect(subscribes(['charge.succeeded'], 'charge.succeeded')).toBe(true);
  });
});

describe('SSRF policy: address classes', () => {
  const cases: [string, string][] = [
    ['93.184.216.34', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['169.254.10.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:c0a8:101', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a9fe:a9fe', 'reserved'],
    ['2002:a9fe:a9fe::1', 'reserved'],
  ];
  it.each(cases)('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('keeps neighbours of the blocked ranges public', () => {
    for (const address of ['172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.0']) {
      expect(classifyAddress(address), address).toBe('public');
    }
  });

  it('allows loopback only when the deployment allows it; nothing else internal ever', () => {
    expect(addressAllowed('127.0.0.1', LOCAL)).toBe(true);
    expect(addressAllowed('127.0.0.1', AWS)).toBe(false);
    for (const address of ['169.254.169.254', '10.0.0.1', 'fe80::1', '100.64.0.1', '0.0.0.0']) {
      expect(addressAllowed(address, LOCAL), address).toBe(false);
    }
    expect(addressAllowed('93.184.216.34', AWS)).toBe(true);
  });
});

describe('SSRF policy: endpoint URLs', () => {
  const refusal = (url: string, policy = AWS) => {
    try {
      checkWebhookUrl(url, policy);
    } catch (err) {
      return {
        code: (err as { code: string }).code,
        param: (err as { param: string }).param,
        message: (err as Error).message,
      };
    }
    return null;
  };

  it('accepts https to a host name or a public address', () => {
    expect(refusal('https://hooks.example.com/stripe')).toBeNull();
    expect(refusal('https://93.184.216.34:8443/x')).toBeNull();
    expect(refusal('https://[2606:4700:4700::1111]/x')).toBeNull();
  });

  it('refuses plain http, other schemes, user info and bad URLs, naming url', () => {
    expect(refusal('http://hooks.example.com/')).toMatchObject({
      code: 'url_invalid',
      param: 'url',
      message: expect.stringContaining('https'),
    });
    expect(refusal('http://hooks.example.com/', LOCAL)?.message).toContain('loopback');
    expect(refusal('ftp://hooks.example.com/')?.message).toContain('ftp');
    expect(refusal('https://user:pw@hooks.example.com/')?.message).toContain('user name');
    expect(refusal('https://user@hooks.example.com/')?.message).toContain('user name');
    expect(refusal('not a url')?.code).toBe('url_invalid');
    expect(refusal(`https://example.com/${'x'.repeat(2100)}`)?.message).toContain('2048');
  });

  it('allows http only to loopback, and only when the flag allows it', () => {
    expect(refusal('http://127.0.0.1:4242/hook', LOCAL)).toBeNull();
    expect(refusal('http://localhost:4242/hook', LOCAL)).toBeNull();
    expect(refusal('http://[::1]:4242/hook', LOCAL)).toBeNull();
    expect(refusal('http://127.0.0.1:4242/hook')?.message).toContain('https');
    expect(refusal('https://127.0.0.1/hook')?.message).toContain('loopback');
    expect(refusal('https://localhost/hook')?.message).toContain('loopback');
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'metadata'],
    ['https://[fd00:ec2::254]/', 'metadata'],
    ['https://169.254.1.1/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://10.0.0.5/', 'private'],
    ['https://172.20.1.1/', 'private'],
    ['https://192.168.0.10/', 'private'],
    ['https://[fd00::1]/', 'private'],
    ['https://100.64.1.1/', 'shared'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::ffff:169.254.169.254]/', 'metadata'],
    ['https://[::ffff:10.0.0.1]/', 'private'],
    ['https://2852039166/', 'metadata'], // 169.254.169.254 as one decimal number: WHATWG URL normalises it
    ['https://0xa9.0xfe.0xa9.0xfe/', 'metadata'],
  ])('refuses %s (%s), even with loopback allowed', (url, kind) => {
    expect(refusal(url, LOCAL)).toMatchObject({
      code: 'url_invalid',
      param: 'url',
      message: expect.stringContaining(kind),
    });
  });
});
