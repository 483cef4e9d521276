import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlertTopics, type AlertAudience } from './alert-topics.js';
import type { AuditObjectLock } from './audit-log-bucket.js';
import { AuditTrail } from './audit-trail.js';
import { ConfigRecorder } from './config-recorder.js';
import { type DetectorFeature, GuardDuty } from './guard-duty.js';
import { PciConformancePack } from './pci-conformance-pack.js';
import { SecurityHub } from './security-hub.js';
import type { ServiceMode } from './service-mode.js';

export interface SecurityBaselineProps {
  /** Key for the trail, its log group and the Config history (the platform's logs key). */
  readonly logsKey: kms.IKey;
  /** Alert e-mail subscriptions per topic. */
  readonly alertEmails: Readonly<Record<AlertAudience, readonly string[]>>;
  readonly trail: {
    readonly trailName: string;
    readonly logGroupName: string;
    readonly bucketName: string;
    readonly accessLogsBucketName: string;
    readonly bucketRetentionDays: number;
    readonly logGroupRetention: logs.RetentionDays;
    /** Object Lock default retention of the trail bucket (absent: no lock). */
    readonly objectLock?: AuditObjectLock;
  };
  readonly guardDuty: {
    readonly mode: ServiceMode;
    readonly alertSeverity: number;
    /** @default TESSERA_DETECTOR_FEATURES */
    readonly features?: readonly DetectorFeature[];
  };
  readonly config: {
    readonly mode: ServiceMode;
    readonly createServiceLinkedRole: boolean;
    readonly conformancePack: boolean;
    readonly conformancePackName: string;
    readonly bucketName: string;
    readonly historyRetentionDays: number;
  };
  readonly securityHub: { readonly mode: ServiceMode };
  /**
   * Removal policy of buckets, log groups and the alert key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The account security baseline in one place: alert topics, CloudTrail, GuardDuty, AWS Config with the
 * PCI DSS v4.0.1 conformance pack, and Security Hub. Services in `existing` mode are provided by the
 * organization's delegated administrator and are not created here.
 */
export class SecurityBaseline extends Construct {
  public readonly topics: {
    readonly security: sns.ITopic;
    readonly compliance: sns.ITopic;
    readonly operations: sns.ITopic;
  };
  /** Key of the alert topics. */
  public readonly alertsKey: kms.IKey;
  public readonly trail: AuditTrail;
  public readonly guardDuty: GuardDuty;
  public readonly configRecorder?: ConfigRecorder;
  public readonly conformancePack?: PciConformancePack;
  public readonly securityHub?: SecurityHub;

  constructor(scope: Construct, id: string, props: SecurityBaselineProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const alerts = new AlertTopics(this, 'Alerts', { emails: props.alertEmails, removalPolicy });
    this.topics = { security: alerts.security, compliance: alerts.compliance, operations: alerts.operations };
    this.alertsKey = alerts.encryptionKey;

    this.trail = new AuditTrail(this, 'Trail', {
      encryptionKey: props.logsKey,
      trailName: props.trail.trailName,
      logGroupName: props.trail.logGroupName,
      bucketName: props.trail.bucketName,
      accessLogsBucketName: props.trail.accessLogsBucketName,
      bucketRetentionDays: props.trail.bucketRetentionDays,
      logGroupRetention: props.trail.logGroupRetention,
      objectLock: props.trail.objectLock,
      removalPolicy,
    });

    this.guardDuty = new GuardDuty(this, 'GuardDuty', {
      mode: props.guardDuty.mode,
      findingsTopic: alerts.security,
      minimumSeverity: props.guardDuty.alertSeverity,
      features: props.guardDuty.features,
    });

    if (props.config.mode === 'create') {
      this.configRecorder = new ConfigRecorder(this, 'Config', {
        encryptionKey: props.logsKey,
        createServiceLinkedRole: props.config.createServiceLinkedRole,
        retentionDays: props.config.historyRetentionDays,
        bucketName: props.config.bucketName,
        accessLogsBucket: this.trail.accessLogsBucket,
        removalPolicy,
      });
    }
    if (props.config.conformancePack) {
      this.conformancePack = new PciConformancePack(this, 'PciDss', {
        conformancePackName: props.config.conformancePackName,
        complianceTopic: alerts.compliance,
        dependsOn: this.configRecorder ? [this.configRecorder.ready] : [],
      });
    }

    if (props.securityHub.mode === 'create') {
      this.securityHub = new SecurityHub(this, 'SecurityHub');
      // Security Hub's PCI controls are evaluated through AWS Config rules it creates; give it the recorder.
      if (this.configRecorder) this.securityHub.node.addDependency(this.configRecorder.ready);
    }
  }
}
