import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { environmentName } from '../../naming.js';
import { type EksAddonVersions, EksAddons, podIdentityPrincipal } from './eks-addons.js';
import { EksCluster } from './eks-cluster.js';
import { SharedFileSystem } from './eks-file-system.js';
import {
  type Manifest,
  PAYMENT_API_NAMESPACE,
  PAYMENT_API_SERVICE_ACCOUNT,
  PAYMENT_API_UID,
  paymentApiManifests,
} from './eks-manifests.js';
import { EksNodeGroup } from './eks-node-group.js';
import { acknowledgeGrantPolicies } from './iam-acknowledgements.js';
import {
  PAYMENT_API_PORT,
  grantPaymentApiRuntime,
  grantPaymentApiSecretsRead,
  paymentApiEnvironment,
  paymentApiSecrets,
} from './payment-api-runtime.js';
import type { IPaymentService, PaymentServiceProps } from './payment-service.js';
import { attachOnly, ServiceSecurityGroup } from './service-security-group.js';

/** Service account of the AWS Load Balancer Controller (Helm chart default). */
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = 'aws-load-balancer-controller';
/** Log groups the CloudWatch Observability add-on writes to (pre-created: encrypted, with retention). */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ['application', 'dataplane', 'host', 'performance'] as const;
/** Standard SSM parameters hold 4 KB; larger manifests go to the advanced tier (8 KB). */
export const STANDARD_PARAMETER_LIMIT = 4096;

export interface EksPaymentServiceProps extends PaymentServiceProps {
  readonly kubernetesVersion: string;
  readonly adminRoleArn: string;
  readonly nodeInstanceType: string;
  readonly nodeVolumeSizeGiB: number;
  /** Key of the nodes' EBS volumes. */
  readonly volumeEncryptionKey: kms.IKey;
  readonly addons: EksAddonVersions & { readonly cloudWatchObservability: string };
  readonly loadBalancerControllerChartVersion: string;
  readonly pod: {
    readonly cpuMillicores: number;
    readonly cpuLimitMillicores: number;
    readonly memoryMiB: number;
  };
  /** CIDRs of the load balancer's subnets: the only sources the pods' NetworkPolicy admits. */
  readonly loadBalancerCidrs: readonly string[];
  /** CIDRs of the data subnets (RDS Proxy). */
  readonly databaseCidrs: readonly string[];
  readonly vpcCidr: string;
}

/**
 * The payment API on EKS (ADR 0044): a private cluster, a Graviton managed node group, pinned add-ons, a shared
 * EFS file system, Pod Identity roles with the grants of the other modes, and the workload's manifests rendered
 * into SSM parameters for the documented apply step (ADR 0045). The pods join the ALB's existing IP target group
 * through the AWS Load Balancer Controller's TargetGroupBinding.
 */
export class EksPaymentService extends Construct implements IPaymentService {
  public readonly compute = 'eks';
  public readonly cluster: EksCluster;
  public readonly nodes: EksNodeGroup;
  public readonly fileSystem: SharedFileSystem;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The payment API pods' Pod Identity role: the identity the application code runs as. */
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly podRole: iam.Role;
  /** The workload's manifests as applied (tokens resolve at deploy), by name. */
  public readonly manifests: Readonly<Record<string, Manifest>>;
  /** SSM path prefix of the manifests: `kubectl apply` each parameter under it, in name order. */
  public readonly manifestsPath: string;
  public readonly loadBalancerControllerValuesParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: EksPaymentServiceProps) {
    super(scope, id);
    const { runtime, scaling } = props;
    const envName = environmentName(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetGroupName: 'app' }).subnets;

    this.securityGroup = new ServiceSecurityGroup(this, 'NodeSecurityGroup', {
      vpc: props.vpc,
      httpsEgressPeers: props.httpsEgressPeers,
      internetHttpsEgress: props.internetHttpsEgress,
      description: 'Payment API EKS nodes: 8080 from the load balancer, the control plane, node to node',
    }).securityGroup;
    this.securityGroup.connections.allowInternally(ec2.Port.allTraffic(), 'Pods and nodes of the cluster');
    acknowledge(
      this.securityGroup,
      ['PCI.DSS.321-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedCommonPorts'],
      'The only all-ports rule admits members of this same group (the cluster nodes and their pods: DNS, ' +
        'webhooks, metrics); nothing outside the group reaches any port but 8080 from the load balancer, and ' +
        "the pods' NetworkPolicy narrows pod-to-pod traffic further.",
    );

    this.cluster = new EksCluster(this, 'Cluster', {
      clusterName: `tessera-${envName}-payments`,
      kubernetesVersion: props.kubernetesVersion,
      vpc: props.vpc,
      subnets,
      adminRoleArn: props.adminRoleArn,
      logEncryptionKey: props.logEncryptionKey,
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.allowControlPlane(this.cluster.controlPlaneSecurityGroup);

    this.nodes = new EksNodeGroup(this, 'Nodes', {
      cluster: this.cluster.cluster,
      kubernetesVersion: props.kubernetesVersion,
      subnets,
      instanceType: props.nodeInstanceType,
      volumeSizeGiB: props.nodeVolumeSizeGiB,
      volumeEncryptionKey: props.volumeEncryptionKey,
      securityGroups: [this.securityGroup, ...attachOnly(this, [runtime.database.securityGroup])],
      scaling,
    });

    // Log groups of the CloudWatch Observability add-on (Fluent Bit): the API's stdout lands in `application`.
    const insightsGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map(
      (name) =>
        new logs.LogGroup(this, `${name.charAt(0).toUpperCase()}${name.slice(1)}Logs`, {
          logGroupName: `/aws/containerinsights/${this.cluster.clusterName}/${name}`,
          encryptionKey: props.logEncryptionKey,
          retention: props.logRetention,
          removalPolicy,
        }),
    );
    this.logGroup = insightsGroups[0]!;

    new EksAddons(this, 'Addons', {
      cluster: this.cluster.cluster,
      versions: props.addons,
      nodeGroup: this.nodes.nodeGroup,
    });
    const observability = this.observabilityAddon(props.addons.cloudWatchObservability);
    for (const group of insightsGroups) observability.node.addDependency(group);
    observability.node.addDependency(this.nodes.nodeGroup);

    this.fileSystem = new SharedFileSystem(this, 'SharedFiles', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: 'app' },
      clients: this.securityGroup,
      uid: PAYMENT_API_UID,
      path: '/settlement-staging',
      removalPolicy,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.securityGroupId(this.fileSystem.fileSystem.connections.securityGroups[0]!.securityGroupId),
      ec2.Port.tcp(2049),
      'NFS to the shared file system',
    );

    this.podRole = new iam.Role(this, 'PodRole', {
      assumedBy: podIdentityPrincipal(),
      description: `Payment API pods (${PAYMENT_API_NAMESPACE}/${PAYMENT_API_SERVICE_ACCOUNT}, Pod Identity)`,
    });
    this.grantPrincipal = this.podRole;
    grantPaymentApiSecretsRead(this, this.podRole, runtime);
    grantPaymentApiRuntime(this, this.podRole, runtime);
    acknowledgeGrantPolicies(this.podRole);
    new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: this.cluster.cluster.ref,
      namespace: PAYMENT_API_NAMESPACE,
      serviceAccount: PAYMENT_API_SERVICE_ACCOUNT,
      roleArn: this.podRole.roleArn,
    });

    this.loadBalancerControllerIdentity(props);
    props.targetGroup.registerConnectable(this.securityGroup, ec2.Port.tcp(PAYMENT_API_PORT));
    this.connections = this.securityGroup.connections;

    const secretArns = Object.fromEntries(
      Object.entries(paymentApiSecrets(this, runtime)).map(([name, binding]) => [
        name,
        binding.secret.secretArn,
      ]),
    );
    this.manifests = paymentApiManifests({
      image: props.image.imageUri,
      environment: paymentApiEnvironment(this, runtime),
      secretArns,
      port: PAYMENT_API_PORT,
      resources: props.pod,
      scaling: {
        minReplicas: scaling.minCapacity,
        maxReplicas: scaling.maxCapacity,
        cpuTargetPercent: scaling.cpuTargetPercent,
      },
      targetGroupArn: props.targetGroup.targetGroupArn,
      loadBalancerCidrs: props.loadBalancerCidrs,
      databaseCidrs: props.databaseCidrs,
      databasePort: runtime.database.port,
      vpcCidr: props.vpcCidr,
      efsVolumeHandle: this.fileSystem.volumeHandle,
    });
    this.manifestsPath = `/tessera/${envName}/eks/manifests`;
    Object.entries(this.manifests).forEach(([name, manifest], index) => {
      const json = Stack.of(this).toJsonString(manifest);
      new ssm.StringParameter(this, `Manifest${name.charAt(0).toUpperCase()}${name.slice(1)}`, {
        parameterName: `${this.manifestsPath}/${String(index).padStart(2, '0')}-${name}`,
        description: `Kubernetes ${manifest.kind} of the payment API (kubectl apply -f)`,
        stringValue: json,
        tier: manifestTier(manifest),
      });
    });
    this.loadBalancerControllerValuesParameter = new ssm.StringParameter(
      this,
      'LoadBalancerControllerValues',
      {
        parameterName: `/tessera/${envName}/eks/helm/aws-load-balancer-controller`,
        description: `Helm values of aws-load-balancer-controller ${props.loadBalancerControllerChartVersion}`,
        stringValue: Stack.of(this).toJsonString({
          chartVersion: props.loadBalancerControllerChartVersion,
          values: {
            clusterName: this.cluster.clusterName,
            region: Stack.of(this).region,
            vpcId: props.vpc.vpcId,
            // The private cluster pulls the controller from the regional EKS ECR, not from public registries.
            image: {
              repository: `602401143452.dkr.ecr.${Stack.of(this).region}.amazonaws.com/amazon/aws-load-balancer-controller`,
            },
            serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
            // Only TargetGroupBinding: no Service of type LoadBalancer or Ingress may create a load balancer.
            enableServiceMutatorWebhook: false,
            createIngressClassResource: false,
          },
        }),
      },
    );
  }

  /** Control plane ↔ nodes: 443 both ways, and the kubelet and webhook ports (1025-65535) to the nodes. */
  private allowControlPlane(controlPlane: ec2.SecurityGroup): void {
    const nodes = this.securityGroup;
    controlPlane.addIngressRule(nodes, ec2.Port.tcp(443), 'Kubernetes API from the nodes');
    controlPlane.addEgressRule(nodes, ec2.Port.tcp(443), 'Control plane to node webhooks on 443');
    controlPlane.addEgressRule(
      nodes,
      ec2.Port.tcpRange(1025, 65535),
      'Control plane to kubelet and webhooks',
    );
    nodes.addIngressRule(controlPlane, ec2.Port.tcp(443), 'Control plane to node webhooks on 443');
    nodes.addIngressRule(
      controlPlane,
      ec2.Port.tcpRange(1025, 65535),
      'Control plane to kubelet and webhooks',
    );
    nodes.addEgressRule(controlPlane, ec2.Port.tcp(443), 'Kubernetes API');
  }

  /** CloudWatch Observability (Fluent Bit and the CloudWatch agent) with its own Pod Identity role. */
  private observabilityAddon(version: string): eks.CfnAddon {
    const role = new iam.Role(this, 'ObservabilityRole', {
      assumedBy: podIdentityPrincipal(),
      description: 'EKS CloudWatch Observability add-on (amazon-cloudwatch/cloudwatch-agent)',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy')],
    });
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy]',
      'CloudWatchAgentServerPolicy is the AWS-maintained policy of the CloudWatch Observability add-on; only its ' +
        'agent service account can assume this role (Pod Identity association).',
    );
    return new eks.CfnAddon(this, 'CloudWatchObservability', {
      clusterName: this.cluster.cluster.ref,
      addonName: 'amazon-cloudwatch-observability',
      addonVersion: version,
      resolveConflicts: 'OVERWRITE',
      podIdentityAssociations: [{ roleArn: role.roleArn, serviceAccount: 'cloudwatch-agent' }],
    });
  }

  /**
   * The load balancer controller only registers and deregisters pod IPs in the existing target group: it can
   * describe, but not create, change or delete any load balancer.
   */
  private loadBalancerControllerIdentity(props: EksPaymentServiceProps): void {
    const role = new iam.Role(this, 'LoadBalancerControllerRole', {
      assumedBy: podIdentityPrincipal(),
      description: `AWS Load Balancer Controller (kube-system/${LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT}): targets only`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        resources: [props.targetGroup.targetGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeTags',
          'ec2:DescribeInstances',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeVpcs',
          'ec2:DescribeAvailabilityZones',
        ],
        resources: ['*'],
      }),
    );
    acknowledgeGrantPolicies(role);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Elastic Load Balancing and EC2 Describe actions do not support resource-level permissions; the only ' +
        'write actions (register and deregister targets) are limited to the payment API target group.',
    );
    new eks.CfnPodIdentityAssociation(this, 'LoadBalancerControllerIdentity', {
      clusterName: this.cluster.cluster.ref,
      namespace: 'kube-system',
      serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
      roleArn: role.roleArn,
    });
  }
}

/** The Deployment (with the init script) needs the advanced tier; the other objects fit a standard parameter. */
function manifestTier(manifest: Manifest): ssm.ParameterTier {
  return manifest.kind === 'Deployment' ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD;
}
