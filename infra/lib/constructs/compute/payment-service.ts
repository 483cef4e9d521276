import { CfnOutput, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Ec2PaymentService } from './ec2-payment-service.js';
import { EksPaymentService, type EksPaymentServiceProps } from './eks-payment-service.js';
import { FargatePaymentService } from './fargate-payment-service.js';
import type { PaymentApiRuntimeProps } from './payment-api-runtime.js';
import type { PaymentServiceScaling } from './scaling.js';

/** How the payment API runs: ECS Fargate tasks, an EC2 Auto Scaling group or EKS pods (ADR 0014, 0019, 0044). */
export type PaymentServiceCompute = 'fargate' | 'ec2' | 'eks';

/**
 * The running payment API, whichever compute runs it: other constructs admit it (`connections`) and grant it
 * (`grantPrincipal` is the identity the application code runs as).
 */
export interface IPaymentService extends ec2.IConnectable, iam.IGrantable {
  readonly compute: PaymentServiceCompute;
  /** The API's log group (KMS-encrypted, retention from the props). */
  readonly logGroup: logs.ILogGroup;
}

/** What the Fargate and EC2 payment services both take: placement, image, runtime, scaling, logs. */
export interface PaymentServiceProps {
  readonly vpc: ec2.IVpc;
  /**
   * @default { subnetGroupName: 'app' }
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The payment API image, built from `services/payment-api` for linux/arm64. */
  readonly image: ecrAssets.DockerImageAsset;
  /** Database access, keys and secrets; the service attaches the database's client group and is granted it. */
  readonly runtime: PaymentApiRuntimeProps;
  readonly scaling: PaymentServiceScaling;
  /** The load balancer target group the tasks or instances register with ({@link paymentServiceTargetType}). */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** See {@link ServiceSecurityGroup}. */
  readonly httpsEgressPeers: ec2.IPeer[];
  /**
   * HTTPS to the internet as well, for outbound webhooks (see {@link ServiceSecurityGroup}).
   * @default false
   */
  readonly internetHttpsEgress?: boolean;
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * Removal policy of the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The load balancer target type each compute registers as: task or pod IPs (awsvpc, VPC CNI) or instances. */
export function paymentServiceTargetType(compute: PaymentServiceCompute): elbv2.TargetType {
  return compute === 'ec2' ? elbv2.TargetType.INSTANCE : elbv2.TargetType.IP;
}

export interface CreatePaymentServiceProps extends PaymentServiceProps {
  readonly compute: PaymentServiceCompute;
  /** Task size (Fargate). */
  readonly fargate: { readonly cpu: number; readonly memoryMiB: number };
  /** Instances (EC2). */
  readonly ec2: {
    /** A Graviton (arm64) type such as `t4g.medium`. */
    readonly instanceType: string;
    /** Pinned Amazon Linux 2023 arm64 AMI per region. */
    readonly amiIds: Readonly<Record<string, string>>;
    readonly volumeSizeGiB: number;
    /** Key of the instances' EBS volumes. */
    readonly volumeEncryptionKey: kms.IKey;
    /** Receives the Auto Scaling group's scaling events. */
    readonly notificationTopic: sns.ITopic;
  };
  /** Cluster, nodes, add-ons and pods (EKS); required with `compute: 'eks'`. */
  readonly eks?: EksModeProps;
}

/** What `compute: eks` adds to the common props (see {@link EksPaymentServiceProps}). */
export type EksModeProps = Omit<EksPaymentServiceProps, keyof PaymentServiceProps>;

/**
 * Builds the payment service `compute` asks for, directly in `scope` with the id `Fargate` or `Ec2` (construct
 * ids are part of every logical id: the service's log group keeps its id across this factory), or `Eks`, and the
 * stack outputs that name it: `EcsServiceName` and `EcsClusterName`, `AutoScalingGroupName`, or the EKS outputs.
 */
export function createPaymentService(scope: Construct, props: CreatePaymentServiceProps): IPaymentService {
  const { compute, fargate, ec2: instances, eks: cluster, ...common } = props;
  if (compute === 'eks') {
    if (!cluster)
      throw new Error("createPaymentService: compute 'eks' needs the eks props (cluster, nodes, pods)");
    return createEksPaymentService(scope, { ...common, ...cluster });
  }
  if (compute === 'fargate') {
    const service = new FargatePaymentService(scope, 'Fargate', {
      ...common,
      cpu: fargate.cpu,
      memoryLimitMiB: fargate.memoryMiB,
    });
    new CfnOutput(scope, 'EcsServiceName', {
      value: service.service.serviceName,
      description: 'ECS service running the payment API',
    });
    new CfnOutput(scope, 'EcsClusterName', { value: service.cluster.clusterName });
    return service;
  }
  const service = new Ec2PaymentService(scope, 'Ec2', {
    ...common,
    machineImage: ec2.MachineImage.genericLinux({ ...instances.amiIds }),
    instanceType: new ec2.InstanceType(instances.instanceType),
    volumeSizeGiB: instances.volumeSizeGiB,
    volumeEncryptionKey: instances.volumeEncryptionKey,
    notificationTopic: instances.notificationTopic,
  });
  new CfnOutput(scope, 'AutoScalingGroupName', {
    value: service.autoScalingGroup.autoScalingGroupName,
    description: 'Auto Scaling group running the payment API',
  });
  return service;
}

function createEksPaymentService(scope: Construct, props: EksPaymentServiceProps): IPaymentService {
  const service = new EksPaymentService(scope, 'Eks', props);
  new CfnOutput(scope, 'EksClusterName', {
    value: service.cluster.cluster.ref,
    description: 'EKS cluster running the payment API (private API endpoint)',
  });
  new CfnOutput(scope, 'EksManifestsPath', {
    value: service.manifestsPath,
    description: 'SSM path of the payment API manifests to kubectl apply (README "EKS mode")',
  });
  new CfnOutput(scope, 'EksLoadBalancerControllerValues', {
    value: service.loadBalancerControllerValuesParameter.parameterName,
    description: 'SSM parameter with the aws-load-balancer-controller chart version and Helm values',
  });
  return service;
}
