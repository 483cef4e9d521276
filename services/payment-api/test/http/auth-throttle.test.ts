import { describe, expect, it } from 'vitest';
import { AuthFailureThrottle, type FailedAttempt } from '../../src/http/auth-throttle.js';

const WINDOW = 60_000;
const T0 = 1_800_000_000_000; // a window boundary (a multiple of 60 s)

function throttleAt(limits: Partial<{ perSource: number; perKeyPrefix: number; maxTracked: number }> = {}) {
  const clock = { now: T0 };
  const throttle = new AuthFailureThrottle(
    { windowMs: WINDOW, perSource: 3, perKeyPrefix: 2, maxTracked: 100, ...limits },
    () => clock.now,
  );
  return { throttle, clock };
}

let requests = 0;
const attempt = (over: Partial<FailedAttempt> = {}): FailedAttempt => ({
  sourceIp: '203.0.113.1',
  keyPrefix: null,
  reason: 'missing_key',
  keyHint: null,
  method: 'GET',
  path: '/v1/balance',
  requestId: `req_${(requests += 1)}`,
  ...over,
});

describe('the failed-authentication throttle', () => {
  it('limits a source after perSource failures until its window ends, with the seconds to wait', () => {
    const { throttle, clock } = throttleAt();
    for (let i = 0; i < 3; i += 1) {
      expect(throttle.check('203.0.113.1', null)).toEqual({ limited: false });
      throttle.record(attempt());
    }
    clock.now = T0 + 15_500;
    expect(throttle.check('203.0.113.1', null)).toEqual({ limited: true, retryAfterSeconds: 45 });
    // another source and the next window are not limited
    expect(throttle.check('203.0.113.2', null)).toEqual({ limited: false });
    clock.now = T0 + WINDOW;
    expect(throttle.check('203.0.113.1', null)).toEqual({ limited: false });
  });

  it('limits a key prefix across sources', () => {
    const { throttle } = throttleAt();
    throttle.record(attempt({ sourceIp: '198.51.100.1', keyPrefix: 'sk_test_abcd' }));
    throttle.record(attempt({ sourceIp: '198.51.100.2', keyPrefix: 'sk_test_abcd' }));
    expect(throttle.check('198.51.100.3', 'sk_test_abcd').limited).toBe(true);
    expect(throttle.check('198.51.100.3', 'sk_test_wxyz').limited).toBe(false);
    expect(throttle.check('198.51.100.3', null).limited).toBe(false);
  });

  it('audits the first failure of a source in a window at once and summarises the rest when it closes', () => {
    const { throttle, clock } = throttleAt({ perSource: 1000 });
    const verdicts = [
      throttle.record(attempt({ requestId: 'req_first' })),
      throttle.record(
        attempt({
          reason: 'invalid_key',
          keyPrefix: 'sk_test_abcd',
          keyHint: 'sk_test_****1234',
          requestId: 'req_2',
        }),
      ),
      throttle.record(
        attempt({
          reason: 'invalid_key',
          keyPrefix: 'sk_test_abcd',
          keyHint: 'sk_test_****1234',
          requestId: 'req_3',
        }),
      ),
      throttle.record(attempt({ method: 'POST', path: '/v1/refunds', requestId: 'req_4' })),
      throttle.record(attempt({ sourceIp: '203.0.113.9', requestId: 'req_other' })),
    ];
    expect(verdicts).toEqual(['audit', 'counted', 'counted', 'counted', 'audit']);
    expect(throttle.takeSummaries()).toEqual([]); // the window is still open
    clock.now = T0 + WINDOW + 1;
    expect(throttle.takeSummaries()).toEqual([
      {
        sourceIp: '203.0.113.1',
        untrackedSources: false,
        windowStart: new Date(T0),
        windowEnd: new Date(T0 + WINDOW),
        failures: 3,
        reasons: { invalid_key: 2, missing_key: 1 },
        keyHints: ['sk_test_****1234'],
        paths: { 'GET /v1/balance': 2, 'POST /v1/refunds': 1 },
        firstRequestId: 'req_2',
        lastRequestId: 'req_4',
      },
    ]);
    expect(throttle.takeSummaries()).toEqual([]); // each summary once
    expect(throttle.record(attempt())).toBe('audit'); // a new window starts afresh
  });

  it('drains the open window at shutdown and takes back summaries that could not be written', () => {
    const { throttle } = throttleAt({ perSource: 1000 });
    throttle.record(attempt());
    throttle.record(attempt());
    const drained = throttle.drain();
    expect(drained.map((s) => s.failures)).toEqual([1]);
    throttle.restore(drained);
    expect(throttle.takeSummaries()).toEqual(drained);
  });

  it('stays bounded: sources beyond maxTracked are summarised together, never one record each', () => {
    const { throttle, clock } = throttleAt({ perSource: 1000, maxTracked: 2 });
    const verdicts = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.3'].map((ip) =>
      throttle.record(attempt({ sourceIp: ip })),
    );
    expect(verdicts).toEqual(['audit', 'audit', 'counted', 'counted', 'counted']);
    // untracked sources are not limited (nothing is known about them) but every failure is counted
    expect(throttle.check('192.0.2.3', null).limited).toBe(false);
    clock.now = T0 + WINDOW;
    expect(throttle.takeSummaries()).toEqual([
      expect.objectContaining({
        sourceIp: null,
        untrackedSources: true,
        failures: 3,
        reasons: { missing_key: 3 },
      }),
    ]);
  });

  it('keeps at most 10 key hints and 20 routes per summary', () => {
    const { throttle } = throttleAt({ perSource: 1000, perKeyPrefix: 1000 });
    throttle.record(attempt());
    for (let i = 0; i < 30; i += 1) {
      throttle.record(attempt({ keyHint: `sk_test_****${1000 + i}`, path: `/v1/route_${i}` }));
    }
    const [summary] = throttle.drain();
    expect(summary?.keyHints).toHaveLength(10);
    expect(Object.keys(summary?.paths ?? {})).toHaveLength(21);
    expect(summary?.paths['(other)']).toBe(10);
    expect(summary?.failures).toBe(30);
  });
});
