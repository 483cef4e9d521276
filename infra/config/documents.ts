import { z } from 'zod';
import {
  auditRetentionDays,
  positiveDays,
  type RuleIssue,
  SEVEN_YEARS_DAYS,
  wholeDays,
  wholeNumber,
} from './primitives.js';

/** S3 moves nothing to Standard-IA that is younger than 30 days (current, or noncurrent for noncurrent versions). */
export const S3_MIN_AGE_FOR_INFREQUENT_ACCESS_DAYS = 30;
/**
 * Standard-IA bills at least 30 days, and S3 refuses a lifecycle rule whose Glacier transition comes less than 30
 * days after its Standard-IA transition.
 */
export const S3_STANDARD_IA_MIN_STORAGE_DAYS = 30;
/** Glacier Flexible Retrieval bills at least 90 days: moving an object on to Deep Archive earlier pays the rest. */
export const S3_GLACIER_FLEXIBLE_RETRIEVAL_MIN_STORAGE_DAYS = 90;
/** S3 Object Lock retains at most 100 years. */
const S3_OBJECT_LOCK_MAX_DAYS = 36500;
/** S3 Replication Time Control has exactly one threshold. */
export const S3_REPLICATION_TIME_CONTROL_MINUTES = 15;

/** A whole number of `unit` between `min` and `max`. */
const between = (min: number, max: number, unit: string) =>
  wholeNumber
    .min(min, { error: `must be between ${min} and ${max} ${unit}` })
    .max(max, { error: `must be between ${min} and ${max} ${unit}` });

/**
 * The Documents stacks: the documents bucket (settlement reports, statements, dispute evidence), its lifecycle,
 * retention, and replication to `regions.dr` (ADR 0029, ADR 0030).
 */
export const documentsSchema = z.strictObject({
  /** Storage classes by age (days after creation; noncurrent versions: days after they became noncurrent). */
  lifecycle: z.strictObject({
    /** Objects move to S3 Standard-IA. */
    infrequentAccessDays: positiveDays,
    /** Objects move to S3 Glacier Flexible Retrieval. */
    glacierFlexibleRetrievalDays: positiveDays,
    /** Objects move to S3 Glacier Deep Archive. */
    deepArchiveDays: positiveDays,
    /** A version that was overwritten or deleted is removed after this many days (never a current version). */
    noncurrentVersionExpirationDays: positiveDays,
    /** Multipart uploads that never completed are aborted (their parts deleted) after this many days. */
    abortIncompleteMultipartUploadDays: positiveDays,
  }),
  /**
   * S3 Object Lock in governance mode: every new object version is locked for this many days; 0 turns Object Lock
   * off (ADR 0029). S3 cannot turn Object Lock off again once a bucket has it.
   */
  objectLockRetentionDays: wholeDays(
    0,
    S3_OBJECT_LOCK_MAX_DAYS,
    ' (0 turns Object Lock off; S3 allows 100 years)',
  ),
  /** Days the server access logs of both documents buckets are kept. */
  accessLogRetentionDays: auditRetentionDays,
  replication: z.strictObject({
    /** Replicate every object to a bucket in `regions.dr`, encrypted with that region's own key. */
    enabled: z.boolean({ error: 'must be true or false' }),
    /** S3 Replication Time Control threshold: 99.99 % of objects replicate within it. */
    timeControlMinutes: z.literal(S3_REPLICATION_TIME_CONTROL_MINUTES, {
      error: `must be ${S3_REPLICATION_TIME_CONTROL_MINUTES} (the only threshold S3 Replication Time Control offers)`,
    }),
    alarms: z.strictObject({
      /** Alarm when the DR bucket is this many seconds or more behind (`ReplicationLatency`, maximum a minute). */
      latencySeconds: between(60, 86_400, 'seconds'),
      /** ... for this many consecutive minutes. */
      latencyMinutes: between(1, 60, 'minutes'),
      /** Alarm when this many operations or more fail to replicate within five minutes (`OperationsFailedReplication`). */
      failedOperations: between(1, 1_000_000, 'operations'),
    }),
  }),
});

export type DocumentsConfig = z.infer<typeof documentsSchema>;

interface DocumentsRulesInput {
  readonly documents: DocumentsConfig;
  readonly removalPolicy: 'destroy' | 'retain';
}

/** S3's minimum ages between storage classes, the retention prod must keep, and what a destroyable bucket cannot have. */
export function documentsRules({ documents, removalPolicy }: DocumentsRulesInput): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { lifecycle } = documents;
  const at = (...path: string[]) => ['documents', ...path];
  if (lifecycle.infrequentAccessDays < S3_MIN_AGE_FOR_INFREQUENT_ACCESS_DAYS) {
    issues.push({
      path: at('lifecycle', 'infrequentAccessDays'),
      message: `must be at least ${S3_MIN_AGE_FOR_INFREQUENT_ACCESS_DAYS} (S3 moves nothing younger than ${S3_MIN_AGE_FOR_INFREQUENT_ACCESS_DAYS} days to Standard-IA)`,
    });
  }
  const glacierFloor = lifecycle.infrequentAccessDays + S3_STANDARD_IA_MIN_STORAGE_DAYS;
  if (lifecycle.glacierFlexibleRetrievalDays < glacierFloor) {
    issues.push({
      path: at('lifecycle', 'glacierFlexibleRetrievalDays'),
      message:
        `must be at least documents.lifecycle.infrequentAccessDays + ${S3_STANDARD_IA_MIN_STORAGE_DAYS} (${glacierFloor}): ` +
        `S3 refuses a Glacier transition within ${S3_STANDARD_IA_MIN_STORAGE_DAYS} days of the Standard-IA one`,
    });
  }
  const deepArchiveFloor =
    lifecycle.glacierFlexibleRetrievalDays + S3_GLACIER_FLEXIBLE_RETRIEVAL_MIN_STORAGE_DAYS;
  if (lifecycle.deepArchiveDays < deepArchiveFloor) {
    issues.push({
      path: at('lifecycle', 'deepArchiveDays'),
      message:
        `must be at least documents.lifecycle.glacierFlexibleRetrievalDays + ${S3_GLACIER_FLEXIBLE_RETRIEVAL_MIN_STORAGE_DAYS} ` +
        `(${deepArchiveFloor}): Glacier Flexible Retrieval bills ${S3_GLACIER_FLEXIBLE_RETRIEVAL_MIN_STORAGE_DAYS} days at least, so an earlier move pays for days never stored`,
    });
  }
  const locked = documents.objectLockRetentionDays;
  if (locked > 0 && lifecycle.noncurrentVersionExpirationDays < locked) {
    issues.push({
      path: at('lifecycle', 'noncurrentVersionExpirationDays'),
      message: `must be at least documents.objectLockRetentionDays (${locked}): S3 cannot expire a version Object Lock still holds`,
    });
  }
  if (removalPolicy === 'retain') {
    if (locked < SEVEN_YEARS_DAYS) {
      issues.push({
        path: at('objectLockRetentionDays'),
        message: `must be at least ${SEVEN_YEARS_DAYS} when removalPolicy is 'retain': payment records are kept seven years (ADR 0029)`,
      });
    }
    if (!documents.replication.enabled) {
      issues.push({
        path: at('replication', 'enabled'),
        message:
          "must be true when removalPolicy is 'retain': retained payment records need their DR-region copy",
      });
    }
  } else if (locked > 0) {
    issues.push({
      path: at('objectLockRetentionDays'),
      message:
        "must be 0 when removalPolicy is 'destroy': locked versions cannot be deleted, so the bucket could not be torn down",
    });
  }
  return issues;
}
