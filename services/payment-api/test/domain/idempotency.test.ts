import { describe, expect, it } from 'vitest';
import { canonicalRequest, decide, validateIdempotencyKey } from '../../src/domain/idempotency.js';

describe('idempotency rules', () => {
  it('canonical form ignores key order and scalar encoding (form vs JSON)', () => {
    const a = canonicalRequest('post', '/v1/x', {
      amount: '100',
      metadata: { b: '1', a: '2' },
      confirm: 'true',
    });
    const b = canonicalRequest('POST', '/v1/x', { confirm: true, metadata: { a: 2, b: 1 }, amount: 100 });
    expect(a).toBe(b);
    expect(canonicalRequest('POST', '/v1/x', { amount: 101 })).not.toBe(
      canonicalRequest('POST', '/v1/x', { amount: 100 }),
    );
    expect(canonicalRequest('POST', '/v1/y', {})).not.toBe(canonicalRequest('POST', '/v1/x', {}));
  });

  it('validates keys', () => {
    expect(validateIdempotencyKey('')).toMatch(/empty/);
    expect(validateIdempotencyKey('a'.repeat(256))).toMatch(/255/);
    expect(validateIdempotencyKey('has space')).toMatch(/printable/);
    expect(validateIdempotencyKey('9f1c2d3e-uuid-like')).toBeNull();
  });

  it('decides replay, mismatch, in-flight and take-over', () => {
    const done = {
      requestHash: 'h',
      state: 'completed' as const,
      leaseActive: false,
      responseStatus: 402,
      responseBody: '{}',
    };
    expect(decide(done, 'h')).toEqual({ action: 'replay', status: 402, body: '{}' });
    expect(decide(done, 'other')).toEqual({ action: 'mismatch' });
    const running = {
      ...done,
      state: 'in_flight' as const,
      leaseActive: true,
      responseStatus: null,
      responseBody: null,
    };
    expect(decide(running, 'h')).toEqual({ action: 'in_flight' });
    expect(decide(running, 'other')).toEqual({ action: 'mismatch' });
    expect(decide({ ...running, leaseActive: false }, 'h')).toEqual({ action: 'take_over' });
  });
});
