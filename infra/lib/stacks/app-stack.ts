import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentConfig } from '../../config/index.js';
import { Ec2PaymentService } from '../constructs/compute/ec2-payment-service.js';
import { FargatePaymentService } from '../constructs/compute/fargate-payment-service.js';
import { PaymentApiImage } from '../constructs/compute/payment-api-image.js';
import { PaymentApiKeys } from '../constructs/compute/payment-api-keys.js';
import type { PaymentApiRuntimeProps } from '../constructs/compute/payment-api-runtime.js';
import { PublicLoadBalancer } from '../constructs/compute/public-load-balancer.js';
import type { PaymentApiScalingProps } from '../constructs/compute/scaling.js';
import { WebAcl } from '../constructs/edge/web-acl.js';
import { uniqueName } from '../naming.js';
import { appCertificate } from './app-certificate.js';
import { toRemovalPolicy } from './removal-policy.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What the app stack needs from the data tier. */
export interface AppDatabase {
  readonly proxy: rds.IDatabaseProxy;
  readonly appUserSecret: secretsmanager.ISecret;
  /** Already allowed to the proxy on 5432; attached to every task or instance. */
  readonly serviceSecurityGroup: ec2.ISecurityGroup;
  readonly databaseName: string;
  /** The alternating users' base role; the migrations run as it so that it owns the schema. */
  readonly ownerRole: string;
  /** Lets the service's identity connect to the proxy with IAM authentication. */
  grantConnect(grantee: iam.IGrantable): void;
}

export interface AppStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly keys: {
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly secrets: kms.IKey;
    readonly vault: kms.IKey;
  };
  readonly database: AppDatabase;
  /** Receives scaling events of the EC2 Auto Scaling group (the security stack's operations topic). */
  readonly operationsTopic: sns.ITopic;
  /**
   * The S3 gateway endpoint of the VPC; in EC2 mode its policy must also admit the Amazon Linux package
   * repositories (the instances install Docker at boot), which live in an AWS-owned bucket.
   * @default - no endpoint policy change
   */
  readonly s3GatewayEndpoint?: ec2.GatewayVpcEndpoint;
  /**
   * Queue the outbox relay publishes to.
   * @default - none
   */
  readonly outboxQueue?: sqs.IQueue;
}

/**
 * The payment API behind an HTTPS ALB with WAF: ECS Fargate by default, or an EC2 Auto Scaling group
 * (`compute: ec2`), both built from the same image asset, secrets, scaling and schedule.
 */
export class AppStack extends Stack {
  readonly loadBalancer: PublicLoadBalancer;
  readonly webAcl: WebAcl;
  readonly service: FargatePaymentService | Ec2PaymentService;
  /** `https://<api domain or load balancer DNS name>`. */
  readonly apiUrl: string;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config, vpc, keys, database } = props;
    const app = config.app;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const isFargate = config.compute === 'fargate';

    const appKeys = new PaymentApiKeys(this, 'AppKeys', { encryptionKey: keys.secrets, removalPolicy });
    const image = new PaymentApiImage(this, 'PaymentApiImage', { contextDirectory: REPOSITORY_ROOT }).asset;
    const { certificate, domain } = appCertificate(this, config);

    this.loadBalancer = new PublicLoadBalancer(this, 'LoadBalancer', {
      vpc,
      vpcSubnets: { subnetGroupName: 'public' },
      certificate,
      targetType: isFargate ? elbv2.TargetType.IP : elbv2.TargetType.INSTANCE,
      deletionProtection: config.removalPolicy === 'retain',
      accessLogRetention: Duration.days(app.accessLogRetentionDays),
      removalPolicy,
      domain,
    });
    this.apiUrl = this.loadBalancer.url;

    this.webAcl = new WebAcl(this, 'WebAcl', {
      scope: 'REGIONAL',
      rateLimitPerFiveMinutes: app.wafRateLimitPerFiveMinutes,
      logGroupName: `aws-waf-logs-${uniqueName(this, 'alb')}`,
      logEncryptionKey: keys.logs,
      logRetention: app.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.webAcl.associate('LoadBalancerAssociation', this.loadBalancer.loadBalancer.loadBalancerArn);

    const runtime: PaymentApiRuntimeProps = {
      database: {
        host: database.proxy.endpoint,
        databaseName: database.databaseName,
        credentials: database.appUserSecret,
        ownerRole: database.ownerRole,
      },
      vaultKey: keys.vault,
      vaultFingerprintKey: appKeys.vaultFingerprintKey,
      serviceHmacKey: appKeys.serviceHmacKey,
      secretsKey: keys.secrets,
      trustedProxyCidr: config.vpcCidrs.payment,
      outboxQueue: props.outboxQueue,
    };
    const scaling: PaymentApiScalingProps = {
      minCapacity: app.scaling.minCapacity,
      maxCapacity: app.scaling.maxCapacity,
      desiredCapacity: app.scaling.desiredCapacity,
      cpuTargetPercent: app.scaling.cpuTargetPercent,
      requestsPerTarget: app.scaling.requestsPerTarget,
      weekdaySchedule: {
        timeZone: app.scaling.timeZone,
        businessHoursMinCapacity: app.scaling.businessHoursMinCapacity,
        scaleUpHour: app.scaling.scaleUpHour,
        scaleDownHour: app.scaling.scaleDownHour,
      },
    };
    // The app tier talks HTTPS only to the VPC (interface endpoints) and to S3 (image layers, OS packages)
    // through the gateway endpoint; PostgreSQL egress comes with the data tier's security group.
    const s3PrefixList = app.s3PrefixListIds[config.regions.primary];
    const httpsEgressPeers = [
      ec2.Peer.ipv4(config.vpcCidrs.payment),
      ...(s3PrefixList ? [ec2.Peer.prefixList(s3PrefixList)] : []),
    ];
    const common = {
      vpc,
      vpcSubnets: { subnetGroupName: 'app' },
      image,
      runtime,
      scaling,
      targetGroup: this.loadBalancer.targetGroup,
      httpsEgressPeers,
      additionalSecurityGroups: [database.serviceSecurityGroup],
      logEncryptionKey: keys.logs,
      logRetention: app.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    };

    if (isFargate) {
      const service = new FargatePaymentService(this, 'Fargate', {
        ...common,
        cpu: app.fargate.cpu,
        memoryLimitMiB: app.fargate.memoryMiB,
      });
      database.grantConnect(service.taskDefinition.taskRole);
      this.service = service;
      new CfnOutput(this, 'EcsServiceName', {
        value: service.service.serviceName,
        description: 'ECS service running the payment API',
      });
      new CfnOutput(this, 'EcsClusterName', { value: service.cluster.clusterName });
    } else {
      const amiId = app.ec2.amiIds[config.regions.primary] ?? '';
      const service = new Ec2PaymentService(this, 'Ec2', {
        ...common,
        machineImage: ec2.MachineImage.genericLinux({ [config.regions.primary]: amiId }),
        instanceType: new ec2.InstanceType(app.ec2.instanceType),
        volumeEncryptionKey: keys.data,
        volumeSizeGiB: app.ec2.volumeSizeGiB,
        notificationTopic: props.operationsTopic,
      });
      database.grantConnect(service.role);
      props.s3GatewayEndpoint?.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AmazonLinux2023PackageRepositories',
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject'],
          resources: [`arn:${this.partition}:s3:::al2023-repos-${this.region}-de612dc2/*`],
        }),
      );
      this.service = service;
      new CfnOutput(this, 'AutoScalingGroupName', {
        value: service.autoScalingGroup.autoScalingGroupName,
        description: 'Auto Scaling group running the payment API',
      });
    }

    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.loadBalancer.loadBalancer.loadBalancerDnsName,
      description: 'DNS name of the payment API load balancer',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'Base URL of the payment API (HTTPS)' });
  }
}
