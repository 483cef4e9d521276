import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import {
  autoScalingTopicKeyAccess,
  autoScalingVolumeKeyAccess,
  createAutoScalingServiceLinkedRole,
} from '../constructs/compute/auto-scaling-key-access.js';
import { AuditObjectDeletionAlerts } from '../constructs/audit-object-deletion-alerts.js';
import { EncryptionKeys } from '../constructs/encryption-keys.js';
import { EKS_DETECTOR_FEATURES } from '../constructs/security/guard-duty.js';
import { SecurityBaseline } from '../constructs/security/security-baseline.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface SecurityStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** Security baseline of the payment account: per-purpose KMS keys first, everything else builds on them. */
export class SecurityStack extends Stack {
  readonly keys: {
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly secrets: kms.IKey;
    readonly backups: kms.IKey;
    readonly vault: kms.IKey;
  };
  readonly topics: {
    readonly security: sns.ITopic;
    readonly compliance: sns.ITopic;
    readonly operations: sns.ITopic;
  };
  /** Key of the alert topics; other stacks' alert topics (the Monitoring stack's escalation topic) use it too. */
  readonly alertsKey: kms.IKey;
  /** The CloudWatch Logs copy of the audit trail (KMS-encrypted, `security.trail.logRetentionDays`). */
  readonly auditLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, props);
    const { config } = props;

    const encryption = new EncryptionKeys(this, 'Keys', {
      aliasPrefix: `tessera/${config.envName}`,
      removalPolicy: toRemovalPolicy(config.removalPolicy),
    });
    this.keys = encryption.keys;

    const { security, alertEmails } = config;
    const baseline = new SecurityBaseline(this, 'Baseline', {
      logsKey: this.keys.logs,
      alertEmails: {
        security: [alertEmails.security],
        compliance: [alertEmails.compliance],
        operations: [alertEmails.operations],
      },
      trail: {
        trailName: `tessera-${config.envName}-audit`,
        logGroupName: uniqueName(this, 'cloudtrail'),
        bucketName: uniqueName(this, 'trail'),
        accessLogsBucketName: uniqueName(this, 'audit-access'),
        bucketRetentionDays: security.trail.bucketRetentionDays,
        logGroupRetention: security.trail.logRetentionDays as logs.RetentionDays,
        objectLock:
          security.trail.objectLock.mode === 'off'
            ? undefined
            : {
                mode: security.trail.objectLock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
                days: security.trail.objectLock.days,
              },
      },
      guardDuty: {
        ...security.guardDuty,
        features: config.compute === 'eks' ? EKS_DETECTOR_FEATURES : undefined,
      },
      config: {
        ...security.config,
        conformancePackName: `tessera-${config.envName}-pci-dss-v4-0-1`,
        bucketName: uniqueName(this, 'config'),
      },
      securityHub: security.securityHub,
      removalPolicy: toRemovalPolicy(config.removalPolicy),
    });
    this.topics = baseline.topics;
    // A deleted trail or Config history object (or access log of them) alerts the compliance topic.
    new AuditObjectDeletionAlerts(this, 'AuditLogDeletions', {
      buckets: [
        baseline.trail.bucket,
        baseline.trail.accessLogsBucket,
        ...(baseline.configRecorder ? [baseline.configRecorder.bucket] : []),
      ],
      topic: this.topics.compliance,
    });
    this.alertsKey = baseline.alertsKey;
    this.auditLogGroup = baseline.trail.logGroup;

    // In EC2 mode, EC2 Auto Scaling encrypts the instances' volumes with the data key and publishes scaling
    // events to the operations topic with its service-linked role, which only these keys' policies can admit:
    // this stack owns the keys, so it adds the statements (the App stack changes nothing here; ADR 0018).
    if (config.compute === 'ec2') {
      for (const statement of autoScalingVolumeKeyAccess(this))
        encryption.keys.data.addToResourcePolicy(statement);
      baseline.alertsKey.addToResourcePolicy(autoScalingTopicKeyAccess(this));
      // KMS refuses a key policy whose principal does not exist: on a fresh account the role comes first.
      if (security.autoScaling.createServiceLinkedRole) {
        createAutoScalingServiceLinkedRole(this, 'AutoScalingServiceLinkedRole', [
          encryption.keys.data,
          baseline.alertsKey,
        ]);
      }
    }
    // An EKS managed node group launches its instances through EC2 Auto Scaling too (volumes only, no topic).
    if (config.compute === 'eks') {
      for (const statement of autoScalingVolumeKeyAccess(this))
        encryption.keys.data.addToResourcePolicy(statement);
      if (security.autoScaling.createServiceLinkedRole) {
        createAutoScalingServiceLinkedRole(this, 'AutoScalingServiceLinkedRole', [encryption.keys.data]);
      }
    }
  }
}
