import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeGrantPolicies } from './iam-acknowledgements.js';
import { paymentApiUserData } from './ec2-user-data.js';
import { grantPaymentApiRuntime, grantPaymentApiSecretsRead } from './payment-api-runtime.js';
import type { IPaymentService, PaymentServiceProps } from './payment-service.js';
import { weekdaySchedule } from './scaling.js';
import { attachOnly, ServiceSecurityGroup } from './service-security-group.js';

export interface Ec2PaymentServiceProps extends PaymentServiceProps {
  /** A pinned Amazon Linux 2023 arm64 image (never a "latest" lookup). */
  readonly machineImage: ec2.IMachineImage;
  /** A Graviton (arm64) instance type, matching the image architecture. */
  readonly instanceType: ec2.InstanceType;
  /**
   * Key that encrypts the instances' EBS volumes. Its key policy must admit EC2 Auto Scaling's service-linked
   * role (`autoScalingVolumeKeyAccess` in ./auto-scaling-key-access.ts); the key's owner adds that, this construct does not touch the key.
   */
  readonly volumeEncryptionKey: kms.IKey;
  /**
   * @default 30
   */
  readonly volumeSizeGiB?: number;
  /**
   * Topic that receives every scaling event (launch, terminate and their errors). When it is encrypted, its key
   * must admit EC2 Auto Scaling's service-linked role (`autoScalingTopicKeyAccess`).
   */
  readonly notificationTopic: sns.ITopic;
}

/**
 * The payment API on an EC2 Auto Scaling group: IMDSv2-only launch template, encrypted EBS,
 * SSM Session Manager instead of SSH, and the same container, scaling and schedule as Fargate.
 */
export class Ec2PaymentService extends Construct implements IPaymentService {
  public readonly compute = 'ec2';
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly launchTemplate: ec2.LaunchTemplate;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The instance role: the identity the application code runs as. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: Ec2PaymentServiceProps) {
    super(scope, id);
    const { scaling, runtime } = props;
    if (props.instanceType.architecture !== ec2.InstanceArchitecture.ARM_64) {
      throw new Error(
        `instanceType must be a Graviton (arm64) type because the payment API image is built for linux/arm64, got ${props.instanceType.toString()}`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Payment API instances: SSM Session Manager, image pull, secrets, vault key, logs',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.grantPrincipal = this.role;
    props.image.repository.grantPull(this.role);
    grantPaymentApiSecretsRead(this, this.role, runtime);
    grantPaymentApiRuntime(this, this.role, runtime);
    this.logGroup.grantWrite(this.role);

    this.securityGroup = new ServiceSecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      httpsEgressPeers: props.httpsEgressPeers,
      internetHttpsEgress: props.internetHttpsEgress,
      description: 'Payment API instances: 8080 from the load balancer, HTTPS to AWS endpoints',
    }).securityGroup;

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage,
      instanceType: props.instanceType,
      role: this.role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      // The container reaches the instance metadata service through the docker bridge (one extra hop).
      httpPutResponseHopLimit: 2,
      detailedMonitoring: true,
      associatePublicIpAddress: false,
      userData: paymentApiUserData(this, {
        image: props.image,
        runtime,
        logGroup: this.logGroup,
      }),
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.volumeSizeGiB ?? 30, {
            encrypted: true,
            kmsKey: props.volumeEncryptionKey,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    for (const group of attachOnly(this, [runtime.database.securityGroup])) {
      this.launchTemplate.addSecurityGroup(group);
    }
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: 'app' },
      launchTemplate: this.launchTemplate,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
      desiredCapacity: scaling.desiredCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ minInstancesInService: scaling.minCapacity }),
      notifications: [{ topic: props.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
      // In-service against desired instances, for the Monitoring stack's running-below-desired alarm (free at 1 min).
      groupMetrics: [
        new autoscaling.GroupMetrics(
          autoscaling.GroupMetric.IN_SERVICE_INSTANCES,
          autoscaling.GroupMetric.DESIRED_CAPACITY,
        ),
      ],
    });

    acknowledgeGrantPolicies(this.role);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken does not support resource-level permissions; image pulls are limited to the ' +
        'CDK image asset repository, secrets to the two injected values and the database user secret, and logs ' +
        'to this log group.',
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager and patching; it replaces ' +
        'SSH entirely (no key pair, no port 22) and AWS updates it as the SSM agent changes.',
    );
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
    this.connections = this.launchTemplate.connections;

    this.autoScalingGroup.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: scaling.cpuTargetPercent,
    });
    this.autoScalingGroup.scaleOnRequestCount('Requests', {
      targetRequestsPerMinute: scaling.requestsPerTarget,
    });
    for (const floor of weekdaySchedule(scaling)) {
      this.autoScalingGroup.scaleOnSchedule(floor.id, {
        schedule: autoscaling.Schedule.cron(floor.cron),
        minCapacity: floor.minCapacity,
        timeZone: scaling.timeZone,
      });
    }
  }
}
