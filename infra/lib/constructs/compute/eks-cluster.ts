import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeGrantPolicies } from './iam-acknowledgements.js';

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const EKS_CONTROL_PLANE_LOG_TYPES = [
  'api',
  'audit',
  'authenticator',
  'controllerManager',
  'scheduler',
] as const;

/** The AWS-managed access policy that makes a principal cluster admin. */
export const EKS_CLUSTER_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

export interface EksClusterProps {
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.36`. */
  readonly kubernetesVersion: string;
  readonly vpc: ec2.IVpc;
  /** Subnets of the control plane's network interfaces (the app tier). */
  readonly subnets: readonly ec2.ISubnet[];
  /** Role granted cluster admin through an access entry. */
  readonly adminRoleArn: string;
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An EKS control plane as native CloudFormation (no kubectl Lambda, ADR 0044): private API endpoint only,
 * Kubernetes secrets envelope-encrypted with its own customer-managed key, all five log types to a pre-created
 * KMS-encrypted log group, access entries only (no aws-auth ConfigMap), and the configured admin role.
 */
export class EksCluster extends Construct {
  public readonly cluster: eks.CfnCluster;
  public readonly clusterName: string;
  public readonly secretsKey: kms.Key;
  public readonly logGroup: logs.LogGroup;
  /** Extra group of the control plane's network interfaces; nodes admit it and it admits the nodes on 443. */
  public readonly controlPlaneSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    this.clusterName = props.clusterName;

    const role = new iam.Role(this, 'ClusterRole', {
      assumedBy: new iam.ServicePrincipal('eks.amazonaws.com'),
      description: 'EKS control plane of the payment API cluster',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSClusterPolicy')],
    });
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'AmazonEKSClusterPolicy is the AWS-maintained policy the EKS control plane requires; AWS updates it as the ' +
        'service changes, and only eks.amazonaws.com can assume this role.',
    );

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Envelope encryption of the Kubernetes secrets of ${props.clusterName}`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: props.removalPolicy,
    });
    this.secretsKey.grant(role, 'kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant');
    acknowledgeGrantPolicies(role);

    // EKS writes to /aws/eks/<name>/cluster; created first, it carries the key and retention instead of EKS's
    // unencrypted, never-expiring default.
    this.logGroup = new logs.LogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${props.clusterName}/cluster`,
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.controlPlaneSecurityGroup = new ec2.SecurityGroup(this, 'ControlPlaneSecurityGroup', {
      vpc: props.vpc,
      description: 'EKS control plane of the payment API: 443 from the nodes, to the nodes only',
      allowAllOutbound: false,
    });

    this.cluster = new eks.CfnCluster(this, 'Resource', {
      name: props.clusterName,
      version: props.kubernetesVersion,
      roleArn: role.roleArn,
      resourcesVpcConfig: {
        subnetIds: props.subnets.map((subnet) => subnet.subnetId),
        securityGroupIds: [this.controlPlaneSecurityGroup.securityGroupId],
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      },
      encryptionConfig: [{ provider: { keyArn: this.secretsKey.keyArn }, resources: ['secrets'] }],
      logging: {
        clusterLogging: { enabledTypes: EKS_CONTROL_PLANE_LOG_TYPES.map((type) => ({ type })) },
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // VPC CNI, CoreDNS and kube-proxy come only as pinned managed add-ons (EksAddons).
      bootstrapSelfManagedAddons: false,
      // Standard support only: at its end EKS upgrades the cluster rather than billing extended support.
      upgradePolicy: { supportType: 'STANDARD' },
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.cluster,
      'CloudFormation-Validate::W9009',
      "The EKS API's EncryptionConfig still takes resources=['secrets'] (its only value) to select envelope " +
        'encryption with this customer-managed key; CloudFormation marks the property deprecated, not removed.',
    );
    this.cluster.node.addDependency(this.logGroup);
    this.cluster.node.addDependency(this.secretsKey);
    this.cluster.node.addDependency(role);

    new eks.CfnAccessEntry(this, 'AdminAccess', {
      clusterName: this.cluster.ref,
      principalArn: props.adminRoleArn,
      type: 'STANDARD',
      accessPolicies: [{ policyArn: EKS_CLUSTER_ADMIN_POLICY, accessScope: { type: 'cluster' } }],
    });
  }

  /** The `AWS::EKS::Cluster` ARN. */
  get clusterArn(): string {
    return this.cluster.attrArn;
  }
}
