import { emptyRevocationList, type RevocationList } from '@tessera/pki';
import { describe, expect, it } from 'vitest';
import { RevocationListCache } from '../../src/client-certificate-authorizer/revocation-list-cache.js';

/** A source that counts loads, answers what the test queues (a list or an error), and can be held open. */
function source() {
  const answers: Array<RevocationList | Error> = [];
  const counter = { loads: 0 };
  let gate: Promise<void> | undefined;
  return {
    location: 'memory',
    answers,
    counter,
    hold(): () => void {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    async load(): Promise<RevocationList> {
      counter.loads += 1;
      await gate;
      const answer = answers.shift() ?? emptyRevocationList(new Date(0));
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const withSerial = (serial: string): RevocationList => ({
  ...emptyRevocationList(new Date(0)),
  serials: [{ serial, revokedAt: '2026-12-01T00:00:00Z' }],
});

describe('RevocationListCache', () => {
  it('reuses the list for the TTL and reloads after it', async () => {
    let now = 1_000_000;
    const s = source();
    s.answers.push(withSerial('aa'), withSerial('bb'));
    const cache = new RevocationListCache(s, 60_000, () => now);
    expect((await cache.get()).serial('aa')).toBeDefined();
    now += 59_999;
    expect((await cache.get()).serial('aa')).toBeDefined();
    expect(s.counter.loads).toBe(1);
    now += 1;
    const reloaded = await cache.get();
    expect(reloaded.serial('aa')).toBeUndefined();
    expect(reloaded.serial('bb')).toBeDefined();
    expect(s.counter.loads).toBe(2);
  });

  it('with TTL 0 reads the list on every call', async () => {
    const s = source();
    const cache = new RevocationListCache(s, 0, () => 5);
    await cache.get();
    await cache.get();
    expect(s.counter.loads).toBe(2);
  });

  it('shares one load between concurrent callers', async () => {
    const s = source();
    const release = s.hold();
    const cache = new RevocationListCache(s, 60_000);
    const both = Promise.all([cache.get(), cache.get(), cache.get()]);
    release();
    const [a, b, c] = await both;
    expect(s.counter.loads).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
  });

  it('does not cache a failure, and never falls back to an expired list', async () => {
    let now = 0;
    const s = source();
    s.answers.push(withSerial('aa'), new Error('S3 is down'), withSerial('cc'));
    const cache = new RevocationListCache(s, 1_000, () => now);
    await cache.get();
    now = 1_000;
    await expect(cache.get()).rejects.toThrow('S3 is down');
    const next = await cache.get();
    expect(next.serial('cc')).toBeDefined();
    expect(s.counter.loads).toBe(3);
  });
});
