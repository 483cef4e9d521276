import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { listenerCertificate, primaryS3PrefixList } from '../../config/app.js';
import type { EnvironmentConfig } from '../../config/index.js';
import { CERTIFICATE_MERCHANT_HEADER, PARTNER_API_STAGE } from '../constructs/api/partner-api.js';
import { apiCertificate } from '../constructs/compute/api-certificate.js';
import { PaymentApiImage } from '../constructs/compute/payment-api-image.js';
import { PaymentApiKeys } from '../constructs/compute/payment-api-keys.js';
import {
  createPaymentService,
  type IPaymentService,
  paymentServiceTargetType,
} from '../constructs/compute/payment-service.js';
import { PublicLoadBalancer } from '../constructs/compute/public-load-balancer.js';
import type { IDatabaseAccess } from '../constructs/data/database-access.js';
import type { IDocumentPrefix } from '../constructs/documents/document-bucket.js';
import type { MonitoredResources } from '../constructs/monitoring/monitored-resources.js';
import type { IEventQueue } from '../constructs/processing/event-queue.js';
import { Ec2PaymentService } from '../constructs/compute/ec2-payment-service.js';
import { EksPaymentService } from '../constructs/compute/eks-payment-service.js';
import { FargatePaymentService } from '../constructs/compute/fargate-payment-service.js';
import { WebAcl } from '../constructs/web-acl.js';
import { AccessLogBucket } from '../constructs/access-log-bucket.js';
import { AuditObjectDeletionAlerts } from '../constructs/audit-object-deletion-alerts.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';
import { PARTNER_API_SUBNETS } from './api-stack.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface AppStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly keys: {
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly secrets: kms.IKey;
    readonly vault: kms.IKey;
  };
  /** The data tier's `DataStack.databaseAccess`, used as handed over. */
  readonly database: IDatabaseAccess;
  /** The payment API's write-only prefix of the documents bucket (`DocumentsStack.paymentApiDocuments`). */
  readonly documents: IDocumentPrefix;
  /** The settlement reports' write-only prefix of the documents bucket (`DocumentsStack.settlementReports`). */
  readonly settlementReports: IDocumentPrefix;
  /** The events queue (`ProcessingStack.events`), used as handed over. */
  readonly events: IEventQueue;
  /** Receives scaling events of the EC2 Auto Scaling group (the security stack's operations topic). */
  readonly operationsTopic: sns.ITopic;
  /** Receives an alert when an ALB-log or access-log object is deleted (the security stack's compliance topic). */
  readonly complianceTopic: sns.ITopic;
}

/**
 * The payment API behind an HTTPS ALB with WAF, on the compute `config.compute` names (ECS Fargate by default,
 * or an EC2 Auto Scaling group), built from one image asset with the same secrets, scaling and schedule.
 */
export class AppStack extends Stack {
  readonly loadBalancer: PublicLoadBalancer;
  readonly webAcl: WebAcl;
  readonly service: IPaymentService;
  /** `https://<api domain or load balancer DNS name>`. */
  readonly apiUrl: string;
  /** What the Monitoring stack watches here: load balancer, compute, web ACL, the API's business metrics. */
  readonly monitoring: MonitoredResources;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config, vpc, keys } = props;
    const { app } = config;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const logRetention = app.logRetentionDays as logs.RetentionDays;

    const appKeys = new PaymentApiKeys(this, 'AppKeys', { encryptionKey: keys.secrets, removalPolicy });
    const image = new PaymentApiImage(this, 'PaymentApiImage', { contextDirectory: REPOSITORY_ROOT }).asset;
    const { certificate, domain } = apiCertificate(this, listenerCertificate(config));

    const serverAccessLogs = new AccessLogBucket(this, 'ServerAccessLogs', {
      bucketName: uniqueName(this, 'app-access-logs'),
      expirationDays: app.accessLogRetentionDays,
      removalPolicy,
    });
    this.loadBalancer = new PublicLoadBalancer(this, 'LoadBalancer', {
      vpc,
      serverAccessLogsBucket: serverAccessLogs.bucket,
      vpcSubnets: { subnetGroupName: 'public' },
      certificate,
      targetType: paymentServiceTargetType(config.compute),
      deletionProtection: config.removalPolicy === 'retain',
      accessLogRetention: Duration.days(app.accessLogRetentionDays),
      removalPolicy,
      domain,
    });
    this.apiUrl = this.loadBalancer.url;
    new AuditObjectDeletionAlerts(this, 'LogDeletions', {
      buckets: [this.loadBalancer.accessLogBucket, serverAccessLogs.bucket],
      topic: props.complianceTopic,
    });

    const partnerApiSources = config.api.enabled
      ? vpc.selectSubnets(PARTNER_API_SUBNETS).subnets.map((subnet) => subnet.ipv4CidrBlock)
      : [];
    this.webAcl = new WebAcl(this, 'WebAcl', {
      scope: 'REGIONAL',
      rateLimitPerFiveMinutes: app.wafRateLimitPerFiveMinutes,
      logGroupName: `aws-waf-logs-${uniqueName(this, 'alb')}`,
      logEncryptionKey: keys.logs,
      logRetention,
      removalPolicy,
      // Only the partner API's VPC link may send the certificate merchant (ADR 0047); without it, nobody.
      trustedForwarder: { headers: [CERTIFICATE_MERCHANT_HEADER], sourceCidrs: partnerApiSources },
    });
    this.webAcl.associate('LoadBalancerAssociation', this.loadBalancer.loadBalancer.loadBalancerArn);
    if (config.api.enabled) this.stripPartnerApiStage(partnerApiSources);

    this.service = createPaymentService(this, {
      compute: config.compute,
      vpc,
      vpcSubnets: { subnetGroupName: 'app' },
      image,
      runtime: {
        database: props.database,
        documents: props.documents,
        vaultKey: keys.vault,
        vaultFingerprintKey: appKeys.vaultFingerprintKey,
        serviceHmacKey: appKeys.serviceHmacKey,
        secretsKey: keys.secrets,
        trustedProxyCidr: config.network.vpcCidrs.payment,
        metricsEnvironment: config.envName,
        processing: {
          events: props.events,
          webhookRetryScheduleSeconds: config.processing.webhooks.retryScheduleSeconds,
          settlementDelayDays: config.processing.settlement.delayDays,
          settlementHourUtc: config.processing.settlement.hourUtc,
          settlementReports: props.settlementReports,
        },
      },
      scaling: app.scaling,
      targetGroup: this.loadBalancer.targetGroup,
      // HTTPS only to the VPC (interface endpoints) and to S3 through the gateway endpoint (image layers, OS
      // packages); PostgreSQL comes with the database's client group.
      httpsEgressPeers: [
        ec2.Peer.ipv4(config.network.vpcCidrs.payment),
        ec2.Peer.prefixList(primaryS3PrefixList(config)),
      ],
      // Outbound webhooks: HTTPS (443 only) to merchants' endpoints through the NAT (docs/compliance.md).
      internetHttpsEgress: true,
      logEncryptionKey: keys.logs,
      logRetention,
      removalPolicy,
      fargate: app.fargate,
      ec2: {
        ...app.ec2,
        volumeEncryptionKey: keys.data,
        notificationTopic: props.operationsTopic,
      },
      eks: {
        kubernetesVersion: app.eks.kubernetesVersion,
        adminRoleArn: app.eks.adminRoleArn,
        nodeInstanceType: app.eks.nodeInstanceType,
        nodeVolumeSizeGiB: app.eks.nodeVolumeSizeGiB,
        volumeEncryptionKey: keys.data,
        addons: app.eks.addons,
        loadBalancerControllerChartVersion: app.eks.loadBalancerControllerChartVersion,
        pod: {
          cpuMillicores: app.eks.podCpuMillicores,
          cpuLimitMillicores: app.eks.podCpuLimitMillicores,
          memoryMiB: app.eks.podMemoryMiB,
        },
        loadBalancerCidrs: subnetCidrs(vpc, 'public'),
        databaseCidrs: subnetCidrs(vpc, 'data'),
        vpcCidr: config.network.vpcCidrs.payment,
      },
    });

    this.monitoring = {
      loadBalancers: [
        {
          label: 'PaymentApiAlb',
          loadBalancer: this.loadBalancer.loadBalancer,
          targetGroup: this.loadBalancer.targetGroup,
        },
      ],
      ecsServices:
        this.service instanceof FargatePaymentService
          ? [
              {
                label: 'PaymentApiService',
                service: this.service.service,
                clusterName: this.service.cluster.clusterName,
              },
            ]
          : [],
      autoScalingGroups:
        this.service instanceof Ec2PaymentService
          ? [{ label: 'PaymentApiInstances', autoScalingGroup: this.service.autoScalingGroup }]
          : [],
      eksClusters:
        this.service instanceof EksPaymentService
          ? [{ label: 'PaymentApiCluster', clusterName: this.service.cluster.clusterName }]
          : [],
      webAcls: [{ label: 'PaymentApiWaf', metricName: this.webAcl.metricName }],
      paymentApi: { logGroup: this.service.logGroup, environment: config.envName },
    };

    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.loadBalancer.loadBalancer.loadBalancerDnsName,
      description: 'DNS name of the payment API load balancer',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'Base URL of the payment API (HTTPS)' });
  }

  /**
   * AWS documents that REST private integrations can forward the stage in the backend path (`/partner/v1/…`):
   * for requests from the VPC link's subnets the listener strips it, whichever way API Gateway forwards.
   */
  private stripPartnerApiStage(sources: readonly string[]): void {
    const rule = new elbv2.ApplicationListenerRule(this, 'PartnerApiStagePrefix', {
      listener: this.loadBalancer.httpsListener,
      priority: 1,
      conditions: [
        elbv2.ListenerCondition.pathPatterns([`/${PARTNER_API_STAGE}/*`]),
        elbv2.ListenerCondition.sourceIps([...sources]),
      ],
      targetGroups: [this.loadBalancer.targetGroup],
    });
    // Rule transforms (2025) have no L2 support in aws-cdk-lib 2.276.
    (rule.node.defaultChild as elbv2.CfnListenerRule).addPropertyOverride('Transforms', [
      {
        Type: 'url-rewrite',
        UrlRewriteConfig: { Rewrites: [{ Regex: `^/${PARTNER_API_STAGE}/(.*)$`, Replace: '/$1' }] },
      },
    ]);
  }
}

function subnetCidrs(vpc: ec2.IVpc, subnetGroupName: string): string[] {
  return vpc.selectSubnets({ subnetGroupName }).subnets.map((subnet) => subnet.ipv4CidrBlock);
}
