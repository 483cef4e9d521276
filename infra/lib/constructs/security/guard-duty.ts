import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ServiceMode } from './service-mode.js';

/** GuardDuty severities: 7.0–8.9 high, 9.0–10.0 critical (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html). */
export const HIGH_SEVERITY = 7;

type FeatureStatus = 'ENABLED' | 'DISABLED';
export interface DetectorFeature {
  readonly name:
    | 'S3_DATA_EVENTS'
    | 'EKS_AUDIT_LOGS'
    | 'EBS_MALWARE_PROTECTION'
    | 'RDS_LOGIN_EVENTS'
    | 'LAMBDA_NETWORK_LOGS'
    | 'RUNTIME_MONITORING';
  readonly status: FeatureStatus;
  readonly additionalConfiguration?: readonly { readonly name: string; readonly status: FeatureStatus }[];
}

/**
 * Protection plans for what Tessera runs: S3 (flow-log, trail and document buckets), Aurora PostgreSQL
 * logins, ECS on Fargate (and EC2 when `compute: ec2`), EBS volumes of EC2 hosts, and VPC Lambdas.
 * No EKS cluster runs, so EKS audit logs and the EKS add-on stay off.
 */
export const TESSERA_DETECTOR_FEATURES: readonly DetectorFeature[] = [
  { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
  { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' },
  { name: 'EBS_MALWARE_PROTECTION', status: 'ENABLED' },
  { name: 'LAMBDA_NETWORK_LOGS', status: 'ENABLED' },
  {
    name: 'RUNTIME_MONITORING',
    status: 'ENABLED',
    additionalConfiguration: [
      { name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED' },
      { name: 'EC2_AGENT_MANAGEMENT', status: 'ENABLED' },
      { name: 'EKS_ADDON_MANAGEMENT', status: 'DISABLED' },
    ],
  },
  { name: 'EKS_AUDIT_LOGS', status: 'DISABLED' },
];

/**
 * The plans of {@link TESSERA_DETECTOR_FEATURES} plus EKS Runtime Monitoring, for `compute: eks` (ADR 0044):
 * GuardDuty manages its runtime agent as an EKS add-on on the payment cluster (EKS audit-log monitoring stays
 * off: the control plane's audit log already goes to CloudWatch Logs with the environment's retention).
 */
export const EKS_DETECTOR_FEATURES: readonly DetectorFeature[] = TESSERA_DETECTOR_FEATURES.map((feature) => {
  if (feature.name !== 'RUNTIME_MONITORING') return feature;
  return {
    ...feature,
    additionalConfiguration: feature.additionalConfiguration?.map((extra) =>
      extra.name === 'EKS_ADDON_MANAGEMENT' ? { ...extra, status: 'ENABLED' } : extra,
    ),
  };
});

export interface GuardDutyProps {
  /** `create` a detector here, or rely on one the organization already runs (`existing`). */
  readonly mode: ServiceMode;
  /** Topic that receives findings at or above `minimumSeverity`. */
  readonly findingsTopic: sns.ITopic;
  /**
   * Lowest severity routed to the topic.
   * @default 7 (high and critical)
   */
  readonly minimumSeverity?: number;
  /**
   * Protection plans of the detector (ignored with `existing`).
   * @default TESSERA_DETECTOR_FEATURES
   */
  readonly features?: readonly DetectorFeature[];
}

/**
 * GuardDuty threat detection with the protection plans for Tessera's services, and an EventBridge rule that
 * sends high-severity findings to the security topic. The rule works the same whether this construct created
 * the detector or the organization's delegated administrator did, because GuardDuty emits findings to the
 * member account's default event bus either way.
 */
export class GuardDuty extends Construct {
  /** The detector, when `mode` is `create`. */
  public readonly detector?: guardduty.CfnDetector;
  public readonly findingsRule: events.Rule;

  constructor(scope: Construct, id: string, props: GuardDutyProps) {
    super(scope, id);
    const minimumSeverity = props.minimumSeverity ?? HIGH_SEVERITY;
    if (!(minimumSeverity >= 1 && minimumSeverity <= 10)) {
      throw new Error(`guardDuty minimumSeverity must be between 1 and 10, got ${minimumSeverity}`);
    }

    if (props.mode === 'create') {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: (props.features ?? TESSERA_DETECTOR_FEATURES).map((feature) => ({
          name: feature.name,
          status: feature.status,
          additionalConfiguration: feature.additionalConfiguration?.map((extra) => ({ ...extra })),
        })),
      });
    }

    this.findingsRule = new events.Rule(this, 'HighSeverityFindings', {
      description: `Routes GuardDuty findings with severity >= ${minimumSeverity} to the security alert topic`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(minimumSeverity) },
      },
      targets: [new targets.SnsTopic(props.findingsTopic)],
    });
  }
}
