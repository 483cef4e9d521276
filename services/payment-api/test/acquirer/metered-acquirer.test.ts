import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Acquirer } from '../../src/acquirer/acquirer.js';
import { MeteredAcquirer, SandboxAcquirer } from '../../src/acquirer/index.js';
import { createLogger } from '../../src/logger.js';
import { BusinessMetrics } from '../../src/metrics/business-metrics.js';

const silent = new Writable({ write: (_chunk, _enc, cb) => cb() });
const metrics = () => new BusinessMetrics(createLogger('error', silent), 'test');

describe('MeteredAcquirer', () => {
  it('passes 3D Secure through to an acquirer that has it (a challenge card stays challenged)', async () => {
    const acquirer = new MeteredAcquirer(new SandboxAcquirer(), metrics());
    const request = { amount: 1000, currency: 'usd', offSession: false, saved: false };
    await expect(acquirer.authentication?.({ ...request, pan: '4000002500003155' })).resolves.toBe(
      'challenge',
    );
    await expect(acquirer.authentication?.({ ...request, pan: '4242424242424242' })).resolves.toBe('none');
  });

  it('has no 3D Secure when the wrapped acquirer has none', () => {
    const without: Acquirer = {
      authorize: () => Promise.resolve({ approved: true, authorizationCode: 'A1' } as never),
      capture: () => Promise.resolve(),
      void: () => Promise.resolve(),
      refund: () => Promise.resolve(),
    };
    expect(new MeteredAcquirer(without, metrics()).authentication).toBeUndefined();
  });
});
