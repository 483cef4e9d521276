import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeGrantPolicies } from './iam-acknowledgements.js';
import { type PaymentServiceScaling, weekdaySchedule } from './scaling.js';

/** AWS-managed policies every EKS node needs: join the cluster, assign pod addresses, pull images, Session Manager. */
export const EKS_NODE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonSSMManagedInstanceCore',
] as const;

export interface EksNodeGroupProps {
  readonly cluster: eks.CfnCluster;
  readonly kubernetesVersion: string;
  readonly subnets: readonly ec2.ISubnet[];
  /** Graviton type, e.g. `m7g.large` (the AMI type is AL2023 ARM). */
  readonly instanceType: string;
  readonly volumeSizeGiB: number;
  /** Key of the nodes' EBS volumes; its policy admits EC2 Auto Scaling's service-linked role (security stack). */
  readonly volumeEncryptionKey: kms.IKey;
  /** Node security group, plus groups attached as they are (the database's client group). */
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** Node counts: min/max/desired and the weekday floor, as for tasks and instances. */
  readonly scaling: PaymentServiceScaling;
}

/**
 * A managed node group of Graviton instances on the EKS-optimized Amazon Linux 2023 ARM AMI, from a launch
 * template that requires IMDSv2 with a hop limit of 1 (pods cannot reach the node's credentials; they get their
 * own through Pod Identity) and an encrypted gp3 root volume, plus the weekday schedule as EventBridge Scheduler
 * calls of `eks:UpdateNodegroupConfig`.
 */
export class EksNodeGroup extends Construct {
  public readonly nodeGroup: eks.CfnNodegroup;
  public readonly role: iam.Role;
  public readonly launchTemplate: ec2.LaunchTemplate;

  constructor(scope: Construct, id: string, props: EksNodeGroupProps) {
    super(scope, id);
    const { scaling } = props;

    this.role = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Payment API EKS nodes: join the cluster, pod networking, image pull, Session Manager',
      managedPolicies: EKS_NODE_MANAGED_POLICIES.map((name) =>
        iam.ManagedPolicy.fromAwsManagedPolicyName(name),
      ),
    });
    for (const name of EKS_NODE_MANAGED_POLICIES) {
      acknowledge(
        this.role,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        `${name} is the AWS-maintained policy EKS documents for worker nodes; pods cannot use the node role ` +
          '(IMDSv2 hop limit 1), they run with their own Pod Identity roles.',
      );
    }

    const [nodeGroup, ...attached] = props.securityGroups;
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      securityGroup: nodeGroup,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.volumeSizeGiB, {
            encrypted: true,
            kmsKey: props.volumeEncryptionKey,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    for (const group of attached) this.launchTemplate.addSecurityGroup(group);

    this.nodeGroup = new eks.CfnNodegroup(this, 'Resource', {
      clusterName: props.cluster.ref,
      nodeRole: this.role.roleArn,
      subnets: props.subnets.map((subnet) => subnet.subnetId),
      amiType: 'AL2023_ARM_64_STANDARD',
      capacityType: 'ON_DEMAND',
      instanceTypes: [props.instanceType],
      version: props.kubernetesVersion,
      launchTemplate: {
        id: this.launchTemplate.launchTemplateId,
        version: this.launchTemplate.latestVersionNumber,
      },
      scalingConfig: {
        minSize: scaling.minCapacity,
        maxSize: scaling.maxCapacity,
        desiredSize: scaling.desiredCapacity,
      },
      updateConfig: { maxUnavailable: 1 },
      labels: { 'tessera.io/workload': 'payment-api' },
    });

    this.scheduleWeekdays(props);
  }

  private scheduleWeekdays(props: EksNodeGroupProps): void {
    const { scaling } = props;
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Weekday scale-up and scale-down of the payment API node group',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['eks:UpdateNodegroupConfig'],
        resources: [this.nodeGroup.attrArn],
      }),
    );
    acknowledgeGrantPolicies(role);
    for (const floor of weekdaySchedule(scaling)) {
      const size = floor.minCapacity;
      new scheduler.CfnSchedule(this, floor.id, {
        description: `Node group floor ${size} (${floor.id})`,
        scheduleExpression: `cron(${floor.cron.minute} ${floor.cron.hour} ? * ${floor.cron.weekDay} *)`,
        scheduleExpressionTimezone: scaling.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: 'arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig',
          roleArn: role.roleArn,
          // Member names of the EKS API's UpdateNodegroupConfig request (camelCase, as in its API reference).
          input: Stack.of(this).toJsonString({
            clusterName: props.cluster.ref,
            nodegroupName: this.nodeGroup.attrNodegroupName,
            scalingConfig: { minSize: size, maxSize: scaling.maxCapacity, desiredSize: size },
          }),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
    }
  }
}
