import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { PaymentApiRuntimeProps } from './payment-api-runtime.js';
import type { PaymentApiScalingProps } from './scaling.js';

/** What the Fargate and EC2 payment services both take: placement, image, runtime, scaling, logs. */
export interface PaymentServiceProps {
  readonly vpc: ec2.IVpc;
  /**
   * @default { subnetGroupName: 'app' }
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The payment API image, built from `services/payment-api` for linux/arm64. */
  readonly image: ecrAssets.DockerImageAsset;
  readonly runtime: PaymentApiRuntimeProps;
  readonly scaling: PaymentApiScalingProps;
  /** The load balancer target group the tasks or instances register with. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** See {@link ServiceSecurityGroup}. */
  readonly httpsEgressPeers: ec2.IPeer[];
  /** Further security groups, e.g. the data tier's group that may reach the proxy. */
  readonly additionalSecurityGroups?: ec2.ISecurityGroup[];
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * Removal policy of the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
