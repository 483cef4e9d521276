import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { createLogBucket, instantRetrievalTransitionFor } from '../log-bucket.js';
import { PAYMENT_API_PORT } from './payment-api-runtime.js';

export interface PublicLoadBalancerDomain {
  /**
   * Zone that gets the alias record.
   * @default - no record: the name's DNS is managed outside this stack
   */
  readonly zone?: route53.IHostedZone;
  /** Fully qualified name of the API, e.g. `api.pay.example.com`. */
  readonly recordName: string;
}

export interface PublicLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Bucket that receives the S3 server access logs of the ALB access-log bucket (an `AccessLogBucket`). */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * @default { subnetGroupName: 'public' }
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Certificate of the HTTPS listener (required: there is no HTTPS without one). */
  readonly certificate: acm.ICertificate;
  /** IP for Fargate tasks, INSTANCE for EC2 instances. */
  readonly targetType: elbv2.TargetType;
  /**
   * @default elbv2.SslPolicy.RECOMMENDED_TLS (TLS 1.3 and 1.2 only)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  readonly deletionProtection: boolean;
  /** How long access logs are kept. */
  readonly accessLogRetention: Duration;
  /**
   * Removal policy of the access log bucket; with DESTROY the bucket is also emptied on deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Alias record pointing at the load balancer.
   * @default - no DNS record; clients use the load balancer's DNS name
   */
  readonly domain?: PublicLoadBalancerDomain;
}

/**
 * Internet-facing ALB for the payment API: HTTPS only (HTTP answers with a permanent redirect),
 * modern TLS policy, invalid headers dropped, access logs, and a target group probing `/health` on 8080.
 */
export class PublicLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly httpsListener: elbv2.ApplicationListener;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly accessLogBucket: s3.Bucket;
  /** `https://<domain or load balancer DNS name>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Payment API load balancer: 443 from the internet, 80 only to redirect to 443',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    this.securityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(80),
      'HTTP, answered with a redirect to HTTPS',
    );

    this.accessLogBucket = createLogBucket(this, 'AccessLogs', {
      contents: 'ALB access logs',
      retention: {
        ruleId: 'retain-access-logs',
        expiration: props.accessLogRetention,
        instantRetrievalAfter: instantRetrievalTransitionFor(props.accessLogRetention),
      },
      removalPolicy: props.removalPolicy,
      // Reads of the ALB logs are recorded too (PCI DSS 10.2.1.3), not only the load balancer's writes.
      serverAccessLogs: { bucket: props.serverAccessLogsBucket, prefix: 'alb-access-logs/' },
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: 'public' },
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');
    acknowledge(
      this.securityGroup,
      'AwsSolutions-EC23',
      'The internet-facing payment API must accept clients from any address: only 443 (HTTPS) and 80 (answered ' +
        'with a redirect to 443) are open, and every request passes the WAF web ACL first.',
    );
    if (!props.deletionProtection) {
      acknowledge(
        this.loadBalancer,
        'NIST.800.53.R5-ELBDeletionProtectionEnabled',
        'Deletion protection follows the environment removal policy: it is on wherever the environment retains ' +
          'its data (removalPolicy retain, prod); this environment is disposable and is torn down with cdk destroy.',
      );
    }

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'PaymentApi', {
      vpc: props.vpc,
      port: PAYMENT_API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: props.targetType,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/health',
        port: String(PAYMENT_API_PORT),
        protocol: elbv2.Protocol.HTTP,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    const redirect = this.loadBalancer.addRedirect({
      sourcePort: 80,
      sourceProtocol: elbv2.ApplicationProtocol.HTTP,
      targetPort: 443,
      targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      open: false,
    });
    const redirectReason =
      'The port 80 listener serves no content: its only action is a permanent (301) redirect to the HTTPS ' +
      'listener, which uses the ACM certificate; HTTP listeners cannot carry a certificate.';
    acknowledge(
      redirect,
      ['PCI.DSS.321-ELBv2ACMCertificateRequired', 'NIST.800.53.R5-ELBv2ACMCertificateRequired'],
      redirectReason,
    );

    if (props.domain) {
      if (props.domain.zone) {
        new route53.ARecord(this, 'Alias', {
          zone: props.domain.zone,
          recordName: props.domain.recordName,
          target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
        });
      }
      this.url = `https://${props.domain.recordName}`;
    } else {
      this.url = `https://${this.loadBalancer.loadBalancerDnsName}`;
    }
  }
}
