import { z } from 'zod';
import { auditLogRetentionDays, auditRetentionDays, oneOf } from './primitives.js';

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
     * In EC2 mode, create the AWSServiceRoleForAutoScaling role before the key policies that name it; false when
     * the account already has it (it has had an Auto Scaling group before). Unused in Fargate mode.
     */
    createServiceLinkedRole: z.boolean({ error: 'must be true or false' }),
  }),
});
