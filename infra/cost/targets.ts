/**
 * The idle-month targets of issue 17 and what the controls that stay cost: when an environment misses its
 * target, the report names each control with its idle cost and the ADR that says why it stays.
 */
import type { EnvironmentCost } from './engine.js';

export interface CostTarget {
  /** The idle month must not cost more than this (USD, list prices). */
  readonly idleMonthlyUsd: number;
  /** What the target assumes is kept. */
  readonly basis: string;
  /** Where a miss is explained. */
  readonly adr: string;
}

export const ADR_COST_OPTIONS = 'docs/adr/0049-cost-options-per-environment.md';

/** Targets per environment name; staging has none (it mirrors prod's shape at a smaller traffic profile). */
export const COST_TARGETS: Readonly<Record<string, CostTarget>> = {
  dev: { idleMonthlyUsd: 150, basis: 'every security control on', adr: ADR_COST_OPTIONS },
  prod: { idleMonthlyUsd: 1200, basis: 'HA and every seed feature', adr: ADR_COST_OPTIONS },
};

/** Controls and HA features that stay, by the price items they are billed under. */
export const CONTROLS: readonly { readonly name: string; readonly itemPrefixes: readonly string[] }[] = [
  { name: 'WAF web ACLs and rules', itemPrefixes: ['waf.'] },
  { name: 'private AWS API endpoints', itemPrefixes: ['interfaceEndpoint.'] },
  { name: 'NAT gateways', itemPrefixes: ['natGateway.'] },
  { name: 'Security Hub checks', itemPrefixes: ['securityHub.'] },
  { name: 'AWS Config and the PCI DSS pack', itemPrefixes: ['config.'] },
  { name: 'GuardDuty', itemPrefixes: ['guardduty.'] },
  { name: 'CloudTrail', itemPrefixes: ['cloudtrail.'] },
  { name: 'KMS customer-managed keys', itemPrefixes: ['kms.'] },
  {
    name: 'Aurora instances (writer and HA readers)',
    itemPrefixes: ['aurora.postgresql.', 'aurora.serverlessV2.'],
  },
  { name: 'RDS Proxy', itemPrefixes: ['rdsProxy.'] },
  { name: 'alarms and dashboards', itemPrefixes: ['cloudwatch.'] },
  { name: 'backups and DR copies', itemPrefixes: ['backup.', 'dataTransfer.interRegion.'] },
];

export interface ControlCost {
  readonly control: string;
  readonly idleMonthlyUsd: number;
}

export interface TargetVerdict {
  readonly target: CostTarget;
  readonly met: boolean;
  /** Idle month minus the target; negative when under it. */
  readonly overByUsd: number;
  /** The controls' idle cost, largest first, those that cost nothing idle left out. */
  readonly controls: readonly ControlCost[];
}

/** The verdict for `envName`, or undefined when it has no target. */
export function targetVerdict(envName: string, cost: EnvironmentCost): TargetVerdict | undefined {
  const target = COST_TARGETS[envName];
  if (target === undefined) return undefined;
  const lines = cost.stacks.flatMap((s) => s.lines);
  const controls = CONTROLS.map(({ name, itemPrefixes }) => ({
    control: name,
    idleMonthlyUsd: lines
      .filter((l) => l.item !== undefined && itemPrefixes.some((p) => l.item?.startsWith(p)))
      .reduce((sum, l) => sum + l.idleMonthlyUsd, 0),
  }))
    .filter((c) => c.idleMonthlyUsd > 0)
    .sort((a, b) => b.idleMonthlyUsd - a.idleMonthlyUsd);
  const overByUsd = cost.idleMonthlyUsd - target.idleMonthlyUsd;
  return { target, met: overByUsd <= 0, overByUsd, controls };
}
