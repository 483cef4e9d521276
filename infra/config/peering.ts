import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { NAT_STRATEGIES } from './network.js';
import { PIN_AMI_HINT, PLACEHOLDER_AMI } from './placeholders.js';
import { POSTGRES_ROLE_NAME_PATTERN, hostName, oneOf, positiveDays, type RuleIssue } from './primitives.js';

/**
 * The analytics VPC in its own account and its peering with the payment VPC (ADR 0037): the Analytics,
 * Peering and AnalyticsPeering stacks. The analytics VPC's address block is `network.vpcCidrs.analytics`.
 */
export const peeringSchema = z.strictObject({
  /** Deploy the analytics VPC (in `accounts.analytics`) and its peering with the payment VPC. */
  enabled: z.boolean({ error: 'must be true or false' }),
  /** How the analytics private tier reaches the internet (same choices as `network.natStrategy`, ADR 0005). */
  natStrategy: z.enum(NAT_STRATEGIES, { error: `must be one of ${oneOf(NAT_STRATEGIES)}` }),
  /** The analytics VPC's flow logs, delivered to an S3 bucket in the analytics account. */
  flowLogs: z.strictObject({
    /** Days after which flow-log objects expire. */
    expirationDays: positiveDays,
  }),
  /** Route 53 private hosted zones, one per VPC; the payment zone is also associated with the analytics VPC. */
  zoneNames: z.strictObject({
    /** The payment VPC's zone, e.g. payment.prod.internal; holds the names analytics may use. */
    payment: hostName,
    /** The analytics VPC's zone, e.g. analytics.prod.internal. */
    analytics: hostName,
  }),
  /** Read-only PostgreSQL role of analytics (alternating users, own rotated secret); it sees no vault table. */
  readerUsername: z.string().regex(POSTGRES_ROLE_NAME_PATTERN, {
    error: 'must be a lowercase PostgreSQL role name (letters, digits, underscore; at most 57 characters)',
  }),
});

export type PeeringConfig = z.infer<typeof peeringSchema>;

interface PeeringRulesInput {
  readonly peering: PeeringConfig;
  readonly accounts: { readonly payment: string; readonly analytics: string };
  readonly regions: { readonly primary: string };
  readonly network: {
    readonly vpcCidrs: { readonly analytics: string };
    readonly natInstance: { readonly amiIds: Readonly<Record<string, string>> };
  };
  readonly data: { readonly appUsername: string };
}

/** A second account, a tiered-layout-sized block, distinct zones, a NAT image when instances are used. */
export function peeringRules({ peering, accounts, regions, network, data }: PeeringRulesInput): RuleIssue[] {
  if (!peering.enabled) return [];
  const issues: RuleIssue[] = [];
  if (accounts.analytics === accounts.payment) {
    issues.push({
      path: ['accounts', 'analytics'],
      message:
        'must differ from accounts.payment when peering.enabled: the analytics VPC lives in its own account ' +
        '(out of the PCI scope of the payment account, ADR 0037)',
    });
  }
  if (Number(network.vpcCidrs.analytics.split('/')[1]) > 16) {
    issues.push({
      path: ['network', 'vpcCidrs', 'analytics'],
      message:
        'must be a /16 or larger when peering.enabled: the subnet layout uses the third octet for tier and zone',
    });
  }
  const { payment, analytics } = peering.zoneNames;
  if (payment === analytics || payment.endsWith(`.${analytics}`) || analytics.endsWith(`.${payment}`)) {
    issues.push({
      path: ['peering', 'zoneNames', 'analytics'],
      message: `must not equal or nest with peering.zoneNames.payment (${payment}): both zones resolve in the analytics VPC`,
    });
  }
  if (peering.natStrategy === 'instance' && !network.natInstance.amiIds[regions.primary]) {
    issues.push({
      path: ['network', 'natInstance', 'amiIds', regions.primary],
      message: `peering.natStrategy 'instance' needs a pinned AMI for the primary region ${regions.primary}`,
    });
  }
  if (peering.readerUsername === data.appUsername) {
    issues.push({
      path: ['peering', 'readerUsername'],
      message: `must differ from data.appUsername (${data.appUsername}): analytics gets its own read-only role`,
    });
  }
  return issues;
}

/** NAT instances of the analytics VPC need a real pinned image. */
export function peeringPreflight({
  peering,
  regions,
  network,
}: Omit<PeeringRulesInput, 'accounts' | 'data'>): ConfigIssue[] {
  if (!peering.enabled || peering.natStrategy !== 'instance') return [];
  const ami = network.natInstance.amiIds[regions.primary];
  if (ami !== undefined && ami !== PLACEHOLDER_AMI) return [];
  return [
    {
      field: `network.natInstance.amiIds.${regions.primary}`,
      value: ami,
      problem: `is a placeholder; ${PIN_AMI_HINT} or use another peering.natStrategy`,
    },
  ];
}
