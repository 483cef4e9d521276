import { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { isPlaceholderAccount, isPlaceholderEmail } from './placeholders.js';
import {
  ENVIRONMENT_NAMES,
  accountId,
  email,
  oneOf,
  region,
  retentionDays,
  type RuleIssue,
} from './primitives.js';

export const REMOVAL_POLICIES = ['destroy', 'retain'] as const;

/** No region has more than six zones (us-east-1 has six). */
const MAX_AVAILABILITY_ZONES = 6;

const REQUIRED_TAGS = ['Environment', 'Application', 'CostCenter', 'ManagedBy'] as const;

/** Environment-wide keys: where the environment runs, what it keeps, who hears about it. */
export const foundationShape = {
  /** Environment name; appears in every resource name. Chosen with `-c env=...`. */
  envName: z.enum(ENVIRONMENT_NAMES, { error: `must be one of ${oneOf(ENVIRONMENT_NAMES)}` }),
  accounts: z.strictObject({
    /** Account that hosts the payment workload (all Tessera stacks deploy here). */
    payment: accountId,
    /** Account that hosts the analytics VPC (peering accepter side). */
    analytics: accountId,
  }),
  regions: z.strictObject({
    primary: region,
    /** Disaster-recovery region for replicas and backup copies. */
    dr: region,
  }),
  /**
   * Availability zones of the primary region, explicit so synth needs no lookups; the VPC spans all of them
   * (`-c availabilityZones=us-east-1a,us-east-1b` shrinks an environment).
   */
  availabilityZones: z
    .array(z.string(), { error: 'must be a list of availability zone names' })
    .min(1, { error: 'must list at least one availability zone' })
    .max(MAX_AVAILABILITY_ZONES, { error: `must list at most ${MAX_AVAILABILITY_ZONES} availability zones` }),
  /** `retain`: stateful resources survive their stack, with deletion protection (prod). `destroy`: torn down. */
  removalPolicy: z.enum(REMOVAL_POLICIES, { error: `must be one of ${oneOf(REMOVAL_POLICIES)}` }),
  /** Retention of the platform's operational log groups (VPC flow logs, rotation and bootstrap functions). */
  logRetentionDays: retentionDays,
  /** Subscribers of the security, compliance and operations alert topics. */
  alertEmails: z.strictObject({ security: email, compliance: email, operations: email }),
  /** Cost-allocation tags on every resource; Environment, Application, CostCenter and ManagedBy are required. */
  tags: z
    .record(z.string(), z.string())
    .refine((t) => REQUIRED_TAGS.every((k) => k in t), { error: `must include ${REQUIRED_TAGS.join(', ')}` }),
};

interface FoundationConfig {
  readonly regions: { readonly primary: string; readonly dr: string };
  readonly availabilityZones: readonly string[];
}

/** Zones belong to the primary region and are distinct; the DR region is another region. */
export function foundationRules(c: FoundationConfig): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const primary = c.regions.primary;
  c.availabilityZones.forEach((az, i) => {
    if (az.length !== primary.length + 1 || !az.startsWith(primary) || !/[a-z]$/.test(az)) {
      issues.push({
        path: ['availabilityZones', i],
        message: `must be an availability zone of the primary region ${primary} (${primary}a, ${primary}b, …)`,
      });
    }
  });
  if (new Set(c.availabilityZones).size !== c.availabilityZones.length) {
    issues.push({ path: ['availabilityZones'], message: 'must not repeat a zone' });
  }
  if (c.regions.dr === primary) {
    issues.push({ path: ['regions', 'dr'], message: 'must differ from regions.primary' });
  }
  return issues;
}

/** Deploying needs the real account ids and alert addresses someone reads. */
export function foundationPreflight(c: {
  readonly accounts: Readonly<Record<string, string>>;
  readonly alertEmails: Readonly<Record<string, string>>;
}): ConfigIssue[] {
  const accounts = Object.entries(c.accounts)
    .filter(([, id]) => isPlaceholderAccount(id))
    .map(([name, id]) => ({
      field: `accounts.${name}`,
      value: id,
      problem:
        'is a placeholder; deploying needs the real account id (set it in infra/config/<env>.ts, ' +
        `a -c configFile=... override, or -c accounts.${name}=<12 digits>)`,
    }));
  const emails = Object.entries(c.alertEmails)
    .filter(([, address]) => isPlaceholderEmail(address))
    .map(([topic, address]) => ({
      field: `alertEmails.${topic}`,
      value: address,
      problem:
        'is a placeholder (a domain reserved for documentation); the alerts of this topic would reach nobody: ' +
        `set a monitored address in infra/config/<env>.ts, a -c configFile=... override, or -c alertEmails.${topic}=<address>`,
    }));
  return [...accounts, ...emails];
}
