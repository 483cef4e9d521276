import { RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeGrantPolicies } from './iam-acknowledgements.js';
import { HEALTH_CHECK_TIMING, healthProbeScript } from './container-health-check.js';
import {
  PAYMENT_API_PORT,
  grantPaymentApiRuntime,
  grantPaymentApiSecretsKey,
  paymentApiEnvironment,
  paymentApiSecrets,
  PAYMENT_API_USER,
} from './payment-api-runtime.js';
import type { IPaymentService, PaymentServiceProps } from './payment-service.js';
import { weekdaySchedule } from './scaling.js';
import { attachOnly, ServiceSecurityGroup } from './service-security-group.js';

export interface FargatePaymentServiceProps extends PaymentServiceProps {
  /** Task CPU units (256, 512, 1024, ...). */
  readonly cpu: number;
  readonly memoryLimitMiB: number;
}

/**
 * The payment API on ECS Fargate (ARM64): Container Insights, secrets injected by ECS from
 * Secrets Manager, a read-only root filesystem, circuit breaker with rollback, and target
 * tracking plus a weekday schedule.
 */
export class FargatePaymentService extends Construct implements IPaymentService {
  public readonly compute = 'fargate';
  public readonly cluster: ecs.Cluster;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The task role: the identity the application code runs as. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: FargatePaymentServiceProps) {
    super(scope, id);
    const { scaling, runtime } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.grantPrincipal = this.taskDefinition.taskRole;
    grantPaymentApiRuntime(this, this.grantPrincipal, runtime);

    const secrets: Record<string, ecs.Secret> = {};
    for (const [name, binding] of Object.entries(paymentApiSecrets(this, runtime))) {
      secrets[name] = ecs.Secret.fromSecretsManager(binding.secret, binding.field);
    }

    const environment = paymentApiEnvironment(this, runtime);
    const container = this.taskDefinition.addContainer('PaymentApi', {
      image: ecs.ContainerImage.fromDockerImageAsset(props.image),
      environment,
      secrets,
      portMappings: [{ containerPort: PAYMENT_API_PORT, protocol: ecs.Protocol.TCP }],
      readonlyRootFilesystem: true,
      user: PAYMENT_API_USER,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'payment-api' }),
      healthCheck: { command: ['CMD', 'node', '-e', healthProbeScript()], ...HEALTH_CHECK_TIMING },
    });
    // The root filesystem is read-only; Node and the pg driver still need a writable /tmp.
    this.taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    grantPaymentApiSecretsKey(this, this.taskDefinition.obtainExecutionRole(), runtime);

    this.securityGroup = new ServiceSecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      httpsEgressPeers: props.httpsEgressPeers,
      internetHttpsEgress: props.internetHttpsEgress,
      description: 'Payment API tasks: 8080 from the load balancer, HTTPS to AWS endpoints',
    }).securityGroup;

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: scaling.desiredCapacity,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: 'app' },
      assignPublicIp: false,
      securityGroups: [this.securityGroup, ...attachOnly(this, [runtime.database.securityGroup])],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
    });
    this.service.attachToApplicationTargetGroup(props.targetGroup);

    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      `Only non-secret settings are plain environment variables (${Object.keys(environment).join(', ')}); ` +
        'both application keys are injected by ECS from Secrets Manager, and the database login uses IAM ' +
        'tokens (no database password reaches the task).',
    );
    const executionRole = this.taskDefinition.obtainExecutionRole();
    acknowledgeGrantPolicies(executionRole);
    acknowledge(
      executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken does not support resource-level permissions; image pulls themselves are ' +
        'limited to the CDK image asset repository and secrets to the two injected values.',
    );
    acknowledgeGrantPolicies(this.taskDefinition.taskRole);
    this.connections = this.service.connections;

    const taskCount = this.service.autoScaleTaskCount({
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
    });
    taskCount.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: scaling.cpuTargetPercent });
    taskCount.scaleOnRequestCount('Requests', {
      requestsPerTarget: scaling.requestsPerTarget,
      targetGroup: props.targetGroup,
    });
    const timeZone = TimeZone.of(scaling.timeZone);
    for (const floor of weekdaySchedule(scaling)) {
      taskCount.scaleOnSchedule(floor.id, {
        schedule: appscaling.Schedule.cron(floor.cron),
        minCapacity: floor.minCapacity,
        timeZone,
      });
    }
  }
}
