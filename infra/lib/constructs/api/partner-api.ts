import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import type { PinnedObject } from './partner-pki-bucket.js';

/**
 * The stage every partner request goes through. Clients never see it (the custom domain maps its root to it);
 * the load balancer strips it from the path should API Gateway forward it (ADR 0047).
 */
export const PARTNER_API_STAGE = 'partner';

/**
 * The integration request header API Gateway sets from the authorizer's `context.merchantId`, replacing any value
 * the client sent; the payment service requires the API key's merchant to match it
 * (`services/payment-api/src/http/client-certificates.ts`).
 */
export const CERTIFICATE_MERCHANT_HEADER = 'X-Tessera-Client-Certificate-Merchant';

/** One JSON object per request; every `clientCert*` field is empty when the handshake had no certificate. */
export const ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  domainName: '$context.domainName',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatencyMs: '$context.integration.latency',
  tlsVersion: '$context.tlsVersion',
  cipherSuite: '$context.cipherSuite',
  clientCertSerialNumber: '$context.identity.clientCert.serialNumber',
  clientCertSubjectDN: '$context.identity.clientCert.subjectDN',
  clientCertIssuerDN: '$context.identity.clientCert.issuerDN',
  clientCertNotBefore: '$context.identity.clientCert.validity.notBefore',
  clientCertNotAfter: '$context.identity.clientCert.validity.notAfter',
  merchantId: '$context.authorizer.merchantId',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatencyMs: '$context.authorizer.latency',
  authorizerError: '$context.authorizer.error',
  wafResponseCode: '$context.wafResponseCode',
  errorResponseType: '$context.error.responseType',
};

export interface PartnerApiDomain {
  /** The partner API's name, e.g. partner.pay.example.com. */
  readonly domainName: string;
  /** An ACM certificate for the name in the stack's region. */
  readonly certificate: acm.ICertificate;
  /**
   * A public ACM certificate for the same name; API Gateway requires it for mutual TLS when `certificate` was
   * imported into ACM or issued by AWS Private CA.
   * @default - none (an ACM-issued certificate needs none)
   */
  readonly ownershipVerificationCertificateArn?: string;
  /**
   * The zone that gets the alias record.
   * @default - no record: point the name at `regionalDomainName` yourself
   */
  readonly zone?: route53.IHostedZone;
}

/** The payment service's HTTPS load balancer, reached privately through a VPC link. */
export interface PartnerApiBackend {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The load balancer's group; the VPC link may send HTTPS to it and nothing else. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The name its HTTPS listener's certificate covers; API Gateway checks it. */
  readonly domainName: string;
  readonly vpc: ec2.IVpc;
  /** Subnets of the VPC link's network interfaces. */
  readonly vpcSubnets: ec2.SubnetSelection;
}

export interface PartnerApiProps {
  /** Name of the REST API and of its VPC link, e.g. `tessera-prod-partner-api`. */
  readonly name: string;
  readonly domain: PartnerApiDomain;
  /** The mutual-TLS truststore, pinned to a version. */
  readonly truststore: PinnedObject;
  readonly backend: PartnerApiBackend;
  /** The REQUEST authorizer's function (`ClientCertificateAuthorizerFunction`). */
  readonly authorizer: lambda.IFunction;
  /**
   * How long API Gateway reuses a decision; above zero it is keyed by the API key and the certificate serial.
   * @default Duration.seconds(0)
   */
  readonly authorizerResultsCacheTtl?: Duration;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * Set the account's API Gateway CloudWatch Logs role (one per account and region).
   * @default true
   */
  readonly createAccountCloudWatchRole?: boolean;
  /**
   * Of the log groups and the account role.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * @default apigateway.SecurityPolicy.TLS_1_2 (mutual TLS accepts no enhanced policy)
   */
  readonly securityPolicy?: apigateway.SecurityPolicy;
}

/**
 * The partner API: a REGIONAL REST API reachable only through its mutual-TLS custom domain (execute-api
 * disabled), a REQUEST authorizer on every method, and one proxy route to the payment service's load balancer
 * through a VPC link (V2), with the authorizer's merchant in {@link CERTIFICATE_MERCHANT_HEADER}. The stage
 * throttles, traces, logs execution at INFO without data trace and writes a JSON access log with the TLS and
 * client-certificate fields.
 */
export class PartnerApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly stage: apigateway.Stage;
  readonly domainName: apigateway.DomainName;
  readonly vpcLink: apigatewayv2.VpcLink;
  readonly authorizer: apigateway.RequestAuthorizer;
  readonly accessLogGroup: logs.LogGroup;
  readonly executionLogGroup: logs.LogGroup;
  /** `https://<domain>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PartnerApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logGroup = (logId: string, logGroupName?: string) =>
      new logs.LogGroup(this, logId, {
        logGroupName,
        encryptionKey: props.logsKey,
        retention: props.logRetention,
        removalPolicy,
      });

    this.accessLogGroup = logGroup('AccessLogs');
    const createAccountRole = props.createAccountCloudWatchRole ?? true;
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.name,
      description: 'Tessera partner API: mutual TLS and API key, proxied to the payment service',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      disableExecuteApiEndpoint: true,
      cloudWatchRole: createAccountRole,
      cloudWatchRoleRemovalPolicy: createAccountRole ? removalPolicy : undefined,
      deployOptions: {
        stageName: PARTNER_API_STAGE,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.INFO,
        // Data trace would log request and response bodies: card numbers.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });
    this.stage = this.api.deploymentStage;
    // API Gateway would create the execution log group itself, unencrypted and kept forever: create it first.
    this.executionLogGroup = logGroup(
      'ExecutionLogs',
      `API-Gateway-Execution-Logs_${this.api.restApiId}/${PARTNER_API_STAGE}`,
    );
    this.stage.node.addDependency(this.executionLogGroup);
    this.addStripeErrorResponses();

    this.authorizer = this.requestAuthorizer(props);
    this.vpcLink = this.privateLink(props.name, props.backend);
    this.proxyToBackend(props.backend);

    this.domainName = new apigateway.DomainName(this, 'Domain', {
      domainName: props.domain.domainName,
      certificate: props.domain.certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: props.securityPolicy ?? apigateway.SecurityPolicy.TLS_1_2,
      mtls: { bucket: props.truststore.bucket, key: props.truststore.key, version: props.truststore.version },
    });
    if (props.domain.ownershipVerificationCertificateArn) {
      // The DomainName L2 has no prop for it (aws-cdk-lib 2.276).
      (this.domainName.node.defaultChild as apigateway.CfnDomainName).ownershipVerificationCertificateArn =
        props.domain.ownershipVerificationCertificateArn;
    }
    this.domainName.addBasePathMapping(this.api, { stage: this.stage });
    if (props.domain.zone) {
      new route53.ARecord(this, 'Alias', {
        zone: props.domain.zone,
        recordName: props.domain.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.domainName)),
      });
    }
    this.url = `https://${props.domain.domainName}`;
    this.acknowledgeFindings();
  }

  /**
   * Without result caching the identity source only makes API Gateway refuse a request without an API key
   * (401) before invoking the function. With caching the decision is keyed by the key and the certificate
   * serial, so one certificate's decision never serves another's (ADR 0047).
   */
  private requestAuthorizer(props: PartnerApiProps): apigateway.RequestAuthorizer {
    const ttl = props.authorizerResultsCacheTtl ?? Duration.seconds(0);
    const identitySources = [apigateway.IdentitySource.header('Authorization')];
    if (ttl.toSeconds() > 0) {
      identitySources.push(apigateway.IdentitySource.context('identity.clientCert.serialNumber'));
    }
    return new apigateway.RequestAuthorizer(this, 'ClientCertificateAuthorizer', {
      authorizerName: 'client-certificate',
      handler: props.authorizer,
      identitySources,
      resultsCacheTtl: ttl,
    });
  }

  /** A VPC link (V2) whose network interfaces may send HTTPS to the load balancer and nothing else. */
  private privateLink(name: string, backend: PartnerApiBackend): apigatewayv2.VpcLink {
    const group = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: backend.vpc,
      description: 'Partner API VPC link: HTTPS to the payment API load balancer only',
      allowAllOutbound: false,
    });
    // The load balancer already admits HTTPS from anywhere; the rule lives with the consumer (ADR 0018).
    group.addEgressRule(
      ec2.Peer.securityGroupId(backend.securityGroup.securityGroupId),
      ec2.Port.tcp(443),
      'HTTPS to the payment API load balancer',
    );
    return new apigatewayv2.VpcLink(this, 'VpcLink', {
      vpcLinkName: name,
      vpc: backend.vpc,
      subnets: backend.vpcSubnets,
      securityGroups: [group],
    });
  }

  /**
   * `ANY /{proxy+}` behind the authorizer, proxied over HTTPS to the load balancer through the VPC link. The
   * REST integration's VPC link V2 fields (ConnectionId = the V2 link, IntegrationTarget = the load balancer)
   * have no L2 support in aws-cdk-lib 2.276, so they are set on the L1 method.
   */
  private proxyToBackend(backend: PartnerApiBackend): void {
    const uri = `https://${backend.domainName}/{proxy}`;
    const integration = new apigateway.Integration({
      type: apigateway.IntegrationType.HTTP_PROXY,
      integrationHttpMethod: 'ANY',
      uri,
      options: {
        requestParameters: {
          'integration.request.path.proxy': 'method.request.path.proxy',
          // Replaces any value the client sent; WAF blocks the header on the load balancer's public path.
          [`integration.request.header.${CERTIFICATE_MERCHANT_HEADER}`]: 'context.authorizer.merchantId',
        },
        timeout: Duration.seconds(29),
      },
    });
    const method = this.api.root.addResource('{proxy+}').addMethod('ANY', integration, {
      authorizer: this.authorizer,
      authorizationType: apigateway.AuthorizationType.CUSTOM,
      requestParameters: { 'method.request.path.proxy': true },
    });
    const cfn = method.node.defaultChild as apigateway.CfnMethod;
    cfn.addPropertyOverride('Integration.ConnectionType', 'VPC_LINK');
    cfn.addPropertyOverride('Integration.ConnectionId', this.vpcLink.vpcLinkId);
    cfn.addPropertyOverride('Integration.IntegrationTarget', backend.loadBalancer.loadBalancerArn);
    // Overrides are not part of the deployment's fingerprint: add them, so a changed link redeploys the stage.
    this.api.latestDeployment?.addToLogicalId({
      connectionId: this.vpcLink.vpcLinkId,
      integrationTarget: backend.loadBalancer.loadBalancerArn,
    });
  }

  /** API Gateway's own refusals (401, 403, 429, 5xx) in Stripe's error envelope, so Stripe SDKs read them. */
  private addStripeErrorResponses(): void {
    const envelope = (type: string) => ({
      'application/json': `{"error":{"type":"${type}","message":$context.error.messageString}}`,
    });
    this.api.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      templates: envelope('invalid_request_error'),
    });
    this.api.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      templates: envelope('api_error'),
    });
  }

  private acknowledgeFindings(): void {
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'The API is a proxy for the payment service, which validates every request itself and answers in ' +
        "Stripe's error envelope with the failing param; an API Gateway request validator would duplicate that " +
        'validation with errors Stripe clients cannot read.',
    );
    const method = this.api.root.getResource('{proxy+}')!.node.findChild('ANY');
    acknowledge(
      method,
      'AwsSolutions-COG4',
      'Partners are servers, not Cognito users: each request is authenticated by its mutual-TLS client ' +
        'certificate (checked by the REQUEST authorizer against the revocation list) and by its API key, which ' +
        'the payment service checks against the certificate merchant.',
    );
    const cache =
      'Response caching is off on purpose: payment API responses are per request and must never be served from ' +
      'a cache, so no cached data exists to encrypt.';
    acknowledge(
      this.stage,
      ['PCI.DSS.321-APIGWCacheEnabledAndEncrypted', 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted'],
      cache,
    );
    acknowledge(
      this.stage,
      ['PCI.DSS.321-APIGWSSLEnabled', 'NIST.800.53.R5-APIGWSSLEnabled'],
      'The backend is reached privately through the VPC link over HTTPS, and API Gateway verifies the load ' +
        "balancer's ACM certificate; the service authenticates each request by its API key and the " +
        "authorizer's merchant header, which WAF lets only the VPC link send, so no stage client certificate is needed.",
    );
    const role = this.api.node.tryFindChild('CloudWatchRole');
    if (role) {
      acknowledge(
        role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy API Gateway needs to write execution ' +
          'and access logs account-wide; the log groups it writes are created by this stack, KMS-encrypted, with retention.',
      );
    }
  }
}
