import { z } from 'zod';
import {
  CLONE_SUFFIX,
  INSTANCE_TYPE_PATTERN,
  POSTGRES_IDENTIFIER_PATTERN,
  POSTGRES_MAX_IDENTIFIER_LENGTH,
  POSTGRES_ROLE_NAME_PATTERN,
  oneOf,
  retentionDays,
  type RuleIssue,
  wholeDays,
  wholeNumber,
} from './primitives.js';

/** How the Aurora cluster runs: provisioned instances or Aurora Serverless v2. */
export const DATABASE_MODES = ['provisioned', 'serverless'] as const;

/** Hours between DR copies must divide a day so copies land at the same hours every day. */
const COPY_INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Our policy for application database passwords (PCI DSS 8.3.9 / 8.6.3): changed at least every 90 days. */
export const MAX_ROTATION_DAYS = 90;

/** AWS Backup keeps recovery points up to 100 years. */
const MAX_BACKUP_DAYS = 36500;

const readers = wholeNumber
  .min(0, { error: 'must be between 0 and 15 (Aurora allows 15 readers)' })
  .max(15, { error: 'must be between 0 and 15 (Aurora allows 15 readers)' });

const acu = (min: number) =>
  z
    .number({ error: 'must be a number of Aurora capacity units' })
    .min(min, { error: `must be between ${min} and 256 ACU` })
    .max(256, { error: `must be between ${min} and 256 ACU` })
    .refine((v) => Number.isInteger(v * 2), { error: 'must be a multiple of 0.5 ACU' });

/** Aurora Serverless v2 auto-pause: 5 minutes to 24 hours without connections. */
export const AUTO_PAUSE_SECONDS = { min: 300, max: 86400 } as const;

const engineSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('provisioned'),
      /** Instance class of the writer and the readers, without the `db.` prefix (e.g. r7g.large). */
      instanceClass: z.string().regex(INSTANCE_TYPE_PATTERN, {
        error: 'must be an instance class without the db. prefix, such as r7g.large',
      }),
      readers,
    }),
    z.strictObject({
      mode: z.literal('serverless'),
      /** 0 lets the writer pause when no connection is open (auto-pause); needs `data.proxy` off. */
      minCapacity: acu(0),
      maxCapacity: acu(0.5),
      /** Seconds without a connection before the instances pause; used only when `minCapacity` is 0. */
      autoPauseSeconds: wholeNumber
        .min(AUTO_PAUSE_SECONDS.min, {
          error: `must be between ${AUTO_PAUSE_SECONDS.min} and ${AUTO_PAUSE_SECONDS.max} seconds (5 minutes to 24 hours)`,
        })
        .max(AUTO_PAUSE_SECONDS.max, {
          error: `must be between ${AUTO_PAUSE_SECONDS.min} and ${AUTO_PAUSE_SECONDS.max} seconds (5 minutes to 24 hours)`,
        })
        .optional(),
      readers,
    }),
  ],
  { error: `mode must be one of ${oneOf(DATABASE_MODES)}` },
);

/** The data tier (data stack): Aurora PostgreSQL, the application user and its rotation, AWS Backup. */
export const dataSchema = z.strictObject({
  engine: engineSchema,
  /**
   * RDS Proxy in front of the cluster. Off: the payment API logs in to the writer endpoint directly, still with
   * IAM authentication and TLS verify-full (ADR 0049).
   */
  proxy: z.boolean({
    error: 'must be true (RDS Proxy in front of the cluster) or false (direct, IAM and TLS)',
  }),
  /** Cluster name part: the cluster is `tessera-<env>-<clusterName>`; change it to restore side by side. */
  clusterName: z.string().regex(/^[a-z][a-z0-9-]{0,39}[a-z0-9]$/, {
    error: 'must be 2-41 lowercase letters, digits or hyphens, starting with a letter (e.g. payments-r1)',
  }),
  /**
   * Build the cluster from this DB cluster snapshot (ARN or name) instead of an empty one: restore in place
   * or in the DR region from a copied recovery point (docs/runbooks/restore.md). Unset for a new cluster.
   */
  restoreFromSnapshot: z
    .string()
    .regex(/^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:)?[A-Za-z][A-Za-z0-9:-]{0,254}$/, {
      error:
        'must be a DB cluster snapshot ARN (arn:aws:rds:<region>:<account>:cluster-snapshot:<name>) or name',
    })
    .optional(),
  /** Database created with the cluster. */
  databaseName: z.string().regex(POSTGRES_IDENTIFIER_PATTERN, {
    error: `must be 1-${POSTGRES_MAX_IDENTIFIER_LENGTH} lowercase letters, digits or underscores, starting with a letter`,
  }),
  /**
   * Base role of the payment API's database user; the rotation alternates it with `<name>_clone`. The pattern
   * keeps it to 57 characters so that the clone stays within PostgreSQL's 63.
   */
  appUsername: z.string().regex(POSTGRES_ROLE_NAME_PATTERN, {
    error:
      `must be 1-${POSTGRES_MAX_IDENTIFIER_LENGTH - CLONE_SUFFIX.length} lowercase letters, digits or ` +
      `underscores, starting with a letter (the rotation adds ${CLONE_SUFFIX}; PostgreSQL names are at most ` +
      `${POSTGRES_MAX_IDENTIFIER_LENGTH} characters)`,
  }),
  /** Days between rotations of the application user's password. */
  rotationDays: wholeDays(1, MAX_ROTATION_DAYS, ' (PCI DSS 8.3.9: change at least every 90 days)'),
  /** Aurora automated backups (point-in-time restore window of the cluster itself). */
  backupRetentionDays: wholeDays(1, 35, ' (Aurora allows 1-35)'),
  /** Daily automated backup window, UTC, at least 30 minutes: `hh:mm-hh:mm`. */
  preferredBackupWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
    error: 'must be a UTC window hh:mm-hh:mm such as 02:00-03:00',
  }),
  /** Weekly maintenance window, UTC: `ddd:hh:mm-ddd:hh:mm`. */
  preferredMaintenanceWindow: z
    .string()
    .regex(
      /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
      { error: 'must be a UTC window ddd:hh:mm-ddd:hh:mm such as sun:03:30-sun:04:30' },
    ),
  /** Retention of the exported PostgreSQL log (connections, pgaudit), in days. */
  logRetentionDays: retentionDays,
  /** AWS Backup: recovery points in this region and copies in the DR region. */
  backup: z.strictObject({
    /** Continuous backup (point-in-time restore) window. */
    continuousRetentionDays: wholeDays(1, 35, ' (AWS Backup allows 1-35 for continuous backups)'),
    /** Daily snapshots kept in this region. */
    dailyRetentionDays: wholeDays(1, MAX_BACKUP_DAYS),
    /** Copies of the daily snapshots kept in the DR region. */
    dailyCopyRetentionDays: wholeDays(1, MAX_BACKUP_DAYS),
    /** Monthly snapshots (this region and copied to the DR region) for long-term retention; 0 turns them off. */
    monthlyRetentionDays: z
      .number({ error: 'must be a number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(0, { error: 'must be 0 (off) or a number of days' }),
    /** Hours between snapshots copied to the DR region: the RPO when the primary region is lost. */
    drCopyIntervalHours: z
      .number({ error: 'must be a number of hours' })
      .refine((v) => (COPY_INTERVALS as readonly number[]).includes(v), {
        error: `must be one of ${oneOf(COPY_INTERVALS)} (hours that divide a day)`,
      }),
    /** Days the interval snapshots are kept, in both regions. */
    intervalRetentionDays: wholeDays(1, 35),
  }),
});

export type DataConfig = z.infer<typeof dataSchema>;

interface DataRulesInput {
  readonly data: DataConfig;
  readonly network: { readonly interfaceEndpoints: readonly string[] };
}

/** A serverless range that is a range, DR copies kept as long as the interval copies, a path to Secrets Manager. */
export function dataRules({ data, network }: DataRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (data.engine.mode === 'serverless' && data.engine.minCapacity > data.engine.maxCapacity) {
    issues.push({
      path: ['data', 'engine', 'minCapacity'],
      message: `must not exceed data.engine.maxCapacity (${data.engine.maxCapacity})`,
    });
  }
  if (data.engine.mode === 'serverless') issues.push(...autoPauseIssues(data));
  if (data.backup.dailyCopyRetentionDays < data.backup.intervalRetentionDays) {
    issues.push({
      path: ['data', 'backup', 'dailyCopyRetentionDays'],
      message: `must be at least data.backup.intervalRetentionDays (${data.backup.intervalRetentionDays})`,
    });
  }
  if (!network.interfaceEndpoints.includes('secretsmanager')) {
    issues.push({
      path: ['network', 'interfaceEndpoints'],
      message:
        "must include 'secretsmanager': the data tier's rotation function reaches Secrets Manager only through it",
    });
  }
  return issues;
}

/**
 * Minimum 0 ACU (auto-pause) and the pause delay go together, and RDS Proxy keeps its target awake (its
 * connections count as activity), so AWS refuses nothing but the cluster would never pause: refuse both here.
 */
function autoPauseIssues(data: DataConfig): RuleIssue[] {
  if (data.engine.mode !== 'serverless') return [];
  const { minCapacity, autoPauseSeconds } = data.engine;
  const issues: RuleIssue[] = [];
  if (minCapacity === 0 && data.proxy) {
    issues.push({
      path: ['data', 'engine', 'minCapacity'],
      message:
        'must be at least 0.5 while data.proxy is true: RDS Proxy holds connections to the cluster, so it never auto-pauses (turn data.proxy off for 0 ACU)',
    });
  }
  if (minCapacity === 0 && autoPauseSeconds === undefined) {
    issues.push({
      path: ['data', 'engine', 'autoPauseSeconds'],
      message: `must be set (${AUTO_PAUSE_SECONDS.min}-${AUTO_PAUSE_SECONDS.max} seconds) when data.engine.minCapacity is 0`,
    });
  }
  return issues;
}
