import { describe, expect, it } from 'vitest';
import { DataKeyCache } from '../../src/vault/index.js';

function cache(ttlMs = 100, maxEntries = 3) {
  let now = 0;
  const c = new DataKeyCache<string>({ ttlMs, maxEntries, now: () => now });
  return { c, tick: (ms: number) => (now += ms) };
}

describe('DataKeyCache', () => {
  it('returns copies, so zeroing a returned key leaves the cached one intact', () => {
    const { c } = cache();
    const original = Buffer.alloc(32, 5);
    c.put('a', original, 'v');
    original.fill(0);
    const first = c.take('a');
    first?.key.fill(0);
    expect(c.take('a')).toEqual({ key: Buffer.alloc(32, 5), value: 'v' });
  });

  it('expires entries at the TTL', () => {
    const { c, tick } = cache(100);
    c.put('a', Buffer.alloc(32, 1), 'v');
    tick(99);
    expect(c.take('a')).toBeDefined();
    tick(1);
    expect(c.take('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('serves an entry at most the given number of times', () => {
    const { c } = cache();
    c.put('a', Buffer.alloc(32, 1), 'v', 2);
    expect(c.take('a')).toBeDefined();
    expect(c.take('a')).toBeDefined();
    expect(c.take('a')).toBeUndefined();
  });

  it('does not store entries with no uses left, or when disabled', () => {
    const { c } = cache();
    c.put('a', Buffer.alloc(32, 1), 'v', 0);
    expect(c.size).toBe(0);
    const off = new DataKeyCache<string>({ ttlMs: 0, maxEntries: 10 });
    off.put('a', Buffer.alloc(32, 1), 'v');
    expect(off.size).toBe(0);
  });

  it('evicts the oldest entry when full', () => {
    const { c } = cache(100, 2);
    c.put('a', Buffer.alloc(32, 1), 'a');
    c.put('b', Buffer.alloc(32, 2), 'b');
    c.put('c', Buffer.alloc(32, 3), 'c');
    expect(c.size).toBe(2);
    expect(c.take('a')).toBeUndefined();
    expect(c.take('b')?.value).toBe('b');
    expect(c.take('c')?.value).toBe('c');
  });

  it('clear() forgets everything', () => {
    const { c } = cache();
    c.put('a', Buffer.alloc(32, 1), 'a');
    c.clear();
    expect(c.take('a')).toBeUndefined();
  });

  it('rejects nonsensical bounds', () => {
    expect(() => new DataKeyCache({ ttlMs: -1, maxEntries: 1 })).toThrow(/ttlMs ≥ 0/);
    expect(() => new DataKeyCache({ ttlMs: 1, maxEntries: 1.5 })).toThrow(/integer maxEntries/);
  });
});
