import { z } from 'zod';
import {
  MIN_AUDIT_RETENTION_DAYS,
  auditLogRetentionDays,
  auditRetentionDays,
  oneOf,
  type RuleIssue,
  wholeNumber,
} from './primitives.js';

/** S3 Object Lock modes for the trail bucket: `off`, or the default retention mode of every new log file. */
export const OBJECT_LOCK_MODES = ['off', 'governance', 'compliance'] as const;

/** `create`: the security stack creates the service. `existing`: the organization already runs it here (ADR 0013). */
export const SECURITY_SERVICE_MODES = ['create', 'existing'] as const;

const serviceMode = z.enum(SECURITY_SERVICE_MODES, {
  error: `must be one of ${oneOf(SECURITY_SERVICE_MODES)} ('existing' when the organization already runs it here)`,
});

/** The account security baseline (security stack): trail retention and who provides GuardDuty, Config, Security Hub. */
export const securitySchema = z.strictObject({
  trail: z.strictObject({
    /** Days CloudTrail log files are kept in S3. */
    bucketRetentionDays: auditRetentionDays,
    /** Days the CloudWatch Logs copy of the trail is kept. */
    logRetentionDays: auditLogRetentionDays,
    /**
     * Object Lock (WORM) on the trail bucket: each log file cannot be deleted or overwritten for `days`
     * (`compliance`: by nobody, root included; `governance`: only with s3:BypassGovernanceRetention). ADR 0022.
     */
    objectLock: z.strictObject({
      mode: z.enum(OBJECT_LOCK_MODES, { error: `must be one of ${oneOf(OBJECT_LOCK_MODES)}` }),
      /** Default retention of each log file, in days; ignored when `mode` is `off`. */
      days: wholeNumber.min(1, { error: 'must be at least 1 day' }),
    }),
  }),
  guardDuty: z.strictObject({
    mode: serviceMode,
    /** Lowest GuardDuty severity sent to the security topic (7 = high). */
    alertSeverity: z
      .number({ error: 'must be a number' })
      .min(1, { error: 'must be between 1 and 10' })
      .max(10, { error: 'must be between 1 and 10' }),
  }),
  config: z.strictObject({
    mode: serviceMode,
    /** Create the AWSServiceRoleForConfig role; false when the account already has it. */
    createServiceLinkedRole: z.boolean({ error: 'must be true or false' }),
    /** Deploy the PCI DSS v4.0.1 conformance pack (also with mode 'existing', evaluated by the org recorder). */
    conformancePack: z.boolean({ error: 'must be true or false' }),
    /** Days the delivered configuration history is kept in S3. */
    historyRetentionDays: auditRetentionDays,
  }),
  securityHub: z.strictObject({ mode: serviceMode }),
  autoScaling: z.strictObject({
    /**
     * In EC2 and EKS modes, create the AWSServiceRoleForAutoScaling role before the key policies that name it;
     * false when the account already has it (it has had an Auto Scaling group before). Unused in Fargate mode.
     */
    createServiceLinkedRole: z.boolean({ error: 'must be true or false' }),
  }),
});

interface SecurityRulesInput {
  readonly security: z.infer<typeof securitySchema>;
  readonly removalPolicy: 'retain' | 'destroy';
}

/** A trail lock long enough for PCI DSS 10.5.1, no longer than the files are kept, and one a disposable stack can delete. */
export function securityRules({ security, removalPolicy }: SecurityRulesInput): RuleIssue[] {
  const { objectLock, bucketRetentionDays } = security.trail;
  if (objectLock.mode === 'off') return [];
  const issues: RuleIssue[] = [];
  const days = ['security', 'trail', 'objectLock', 'days'];
  if (objectLock.days < MIN_AUDIT_RETENTION_DAYS) {
    issues.push({ path: days, message: `must be at least ${MIN_AUDIT_RETENTION_DAYS} (PCI DSS 10.5.1)` });
  }
  if (objectLock.days > bucketRetentionDays) {
    issues.push({
      path: days,
      message: `must not exceed security.trail.bucketRetentionDays (${bucketRetentionDays}): the lifecycle expires the files then`,
    });
  }
  if (objectLock.mode === 'compliance' && removalPolicy === 'destroy') {
    issues.push({
      path: ['security', 'trail', 'objectLock', 'mode'],
      message:
        "must not be 'compliance' with removalPolicy 'destroy': nobody could empty the bucket to delete the stack",
    });
  }
  return issues;
}
