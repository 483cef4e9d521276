import { describe, expect, it } from 'vitest';
import type { CostLine, EnvironmentCost } from '../../cost/engine.js';
import { verdictLines } from '../../cost/report.js';
import { COST_TARGETS, targetVerdict } from '../../cost/targets.js';

const line = (item: string, idleMonthlyUsd: number): CostLine => ({
  logicalId: item,
  type: 'AWS::Test::Resource',
  charge: item,
  item,
  unit: 'unit',
  idleQuantity: 1,
  quantity: 1,
  unitUsd: idleMonthlyUsd,
  idleMonthlyUsd,
  monthlyUsd: idleMonthlyUsd,
  note: '',
});

const costOf = (lines: CostLine[]): EnvironmentCost => {
  const idle = lines.reduce((sum, l) => sum + l.idleMonthlyUsd, 0);
  return {
    idleMonthlyUsd: idle,
    monthlyUsd: idle,
    stacks: [{ stack: 'S', region: 'us-east-1', idleMonthlyUsd: idle, monthlyUsd: idle, lines, free: {} }],
    unpriced: [],
    topDrivers: [],
    topIdleDrivers: [],
    pricesToVerify: [],
  };
};

describe('cost targets', () => {
  it('holds the issue 17 targets: dev $150 and prod $1,200 idle, none for staging', () => {
    expect(COST_TARGETS['dev']?.idleMonthlyUsd).toBe(150);
    expect(COST_TARGETS['prod']?.idleMonthlyUsd).toBe(1200);
    expect(targetVerdict('staging', costOf([line('waf.webAclMonth', 5)]))).toBeUndefined();
  });

  it('sums each control over its price items, largest first, and leaves out what costs nothing', () => {
    const verdict = targetVerdict(
      'dev',
      costOf([
        line('waf.webAclMonth', 5),
        line('waf.ruleMonth', 6),
        line('interfaceEndpoint.azHour', 43.8),
        line('kms.keyMonth', 1),
        line('kms.keyMonth', 1),
        line('guardduty.flowAndDnsLogs.gb', 0),
        line('alb.hour', 110),
      ]),
    );
    expect(verdict?.controls).toEqual([
      { control: 'private AWS API endpoints', idleMonthlyUsd: 43.8 },
      { control: 'WAF web ACLs and rules', idleMonthlyUsd: 11 },
      { control: 'KMS customer-managed keys', idleMonthlyUsd: 2 },
    ]);
    expect(verdict?.met).toBe(false);
    expect(verdict?.overByUsd).toBeCloseTo(16.8, 6);
  });

  it('prints a miss with each control and the ADR, and a hit with the margin', () => {
    const miss = targetVerdict('dev', costOf([line('waf.ruleMonth', 151)]));
    expect(verdictLines('dev', miss as NonNullable<typeof miss>)).toEqual([
      'Target of dev (every security control on): idle at most $150.00: MISSED by $1.00. The controls that stay and their idle cost (why: docs/adr/0049-cost-options-per-environment.md):',
      '  - WAF web ACLs and rules: $151.00',
    ]);
    const hit = targetVerdict('dev', costOf([line('waf.ruleMonth', 120)]));
    expect(verdictLines('dev', hit as NonNullable<typeof hit>)).toEqual([
      'Target of dev (every security control on): idle at most $150.00: met, $30.00 under it',
    ]);
  });
});
