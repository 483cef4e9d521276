import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { BusinessMetrics } from '../../src/metrics/business-metrics.js';
import { emfRecord } from '../../src/metrics/emf.js';
import { parseEmf, sumOf } from '../support/emf.js';

function capture(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger(level, sink) };
}

describe('BusinessMetrics', () => {
  it('writes its lines even when LOG_LEVEL hides info logs', () => {
    const { lines, logger } = capture('error');
    const metrics = new BusinessMetrics(logger, 'prod', () => 1_764_547_200_000);
    logger.info('hidden');
    metrics.response(503, false);
    expect(lines).toHaveLength(1);
    const points = lines.flatMap(parseEmf);
    expect(points.every((p) => p.timestamp === 1_764_547_200_000)).toBe(true);
    expect(sumOf(points, 'ServerErrors', { Environment: 'prod' })).toBe(1);
    expect(sumOf(points, 'Requests', { Environment: 'prod' })).toBe(1);
  });

  it('gives declines a per-code series and the total, latency the environment only', () => {
    const { lines, logger } = capture('info');
    new BusinessMetrics(logger, 'dev').authorization({ approved: false, code: 'lost_card' }, 42);
    const points = lines.flatMap(parseEmf);
    expect(sumOf(points, 'PaymentDeclined', { Environment: 'dev' })).toBe(1);
    expect(sumOf(points, 'PaymentDeclined', { Environment: 'dev', DeclineCode: 'lost_card' })).toBe(1);
    expect(points.filter((p) => p.name === 'AuthorizationLatency').map((p) => p.dimensions)).toEqual([
      { Environment: 'dev' },
    ]);
  });
});

describe('emfRecord', () => {
  it('refuses a dimension set naming a dimension without a value, as CloudWatch would drop the line', () => {
    expect(() =>
      emfRecord(
        [
          {
            namespace: 'N',
            dimensionSets: [['Environment', 'DeclineCode']],
            metrics: { M: { value: 1, unit: 'Count' } },
          },
        ],
        { Environment: 'dev' },
        0,
      ),
    ).toThrow('EMF dimension(s) without a value: DeclineCode');
  });
});
