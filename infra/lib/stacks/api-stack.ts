import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { readConfiguredFile } from '../../config/api.js';
import { primaryS3PrefixList } from '../../config/app.js';
import type { EnvironmentConfig } from '../../config/index.js';
import { ClientCertificateAuthorizerFunction } from '../constructs/api/client-certificate-authorizer-function.js';
import { PartnerApi } from '../constructs/api/partner-api.js';
import { PartnerPkiBucket } from '../constructs/api/partner-pki-bucket.js';
import { apiCertificate } from '../constructs/compute/api-certificate.js';
import type { MonitoredResources } from '../constructs/monitoring/monitored-resources.js';
import { WebAcl } from '../constructs/web-acl.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface ApiStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly keys: { readonly data: kms.IKey; readonly logs: kms.IKey };
  /** The App stack's HTTPS load balancer and its security group: the partner API's private backend. */
  readonly loadBalancer: {
    readonly loadBalancer: elbv2.IApplicationLoadBalancer;
    readonly securityGroup: ec2.ISecurityGroup;
  };
}

/** Subnets of the VPC link's and the authorizer's network interfaces (the App stack's WAF trusts them). */
export const PARTNER_API_SUBNETS: ec2.SubnetSelection = { subnetGroupName: 'app' };

/**
 * The partner API (`config.api`): API Gateway with a mutual-TLS custom domain, the PKI bucket with the
 * truststore and the revocation list, the client-certificate authorizer, a WAF on the stage, and the private
 * integration to the App stack's load balancer.
 */
export class ApiStack extends Stack {
  readonly partnerApi: PartnerApi;
  readonly pki: PartnerPkiBucket;
  readonly webAcl: WebAcl;
  /** What the Monitoring stack watches here: the REST API stage, the authorizer, the web ACL. */
  readonly monitoring: MonitoredResources;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, vpc, keys } = props;
    const { api } = config;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const logRetention = api.logRetentionDays as logs.RetentionDays;

    this.pki = new PartnerPkiBucket(this, 'Pki', {
      truststorePem: readConfiguredFile('api.truststoreFile', api.truststoreFile),
      revocationListJson: readConfiguredFile('api.revocationListFile', api.revocationListFile),
      encryptionKey: keys.data,
      bucketName: uniqueName(this, 'pki'),
      accessLogBucketName: uniqueName(this, 'pki-logs'),
      logsKey: keys.logs,
      logRetention,
      removalPolicy,
    });

    const authorizer = new ClientCertificateAuthorizerFunction(this, 'Authorizer', {
      vpc,
      vpcSubnets: PARTNER_API_SUBNETS,
      s3PrefixListId: primaryS3PrefixList(config),
      pki: this.pki,
      revocationListTtl: Duration.seconds(api.authorizer.revocationListTtlSeconds),
      reservedConcurrency: api.authorizer.reservedConcurrency,
      logsKey: keys.logs,
      logRetention,
      removalPolicy,
    });

    const { certificate, domain } = apiCertificate(this, {
      certificateArn: api.certificateArn,
      hostedZone: api.hostedZone,
      domainName: api.domainName,
    });
    this.partnerApi = new PartnerApi(this, 'PartnerApi', {
      name: `tessera-${config.envName}-partner-api`,
      domain: {
        domainName: api.domainName!,
        certificate,
        ownershipVerificationCertificateArn: api.ownershipVerificationCertificateArn,
        zone: domain?.zone,
      },
      truststore: this.pki.truststore,
      backend: {
        ...props.loadBalancer,
        domainName: config.app.tls.domainName!,
        vpc,
        vpcSubnets: PARTNER_API_SUBNETS,
      },
      authorizer: authorizer.function,
      authorizerResultsCacheTtl: Duration.seconds(api.authorizer.resultsCacheTtlSeconds),
      throttling: api.throttling,
      logsKey: keys.logs,
      logRetention,
      createAccountCloudWatchRole: api.accountCloudWatchRole === 'create',
      removalPolicy,
    });

    this.webAcl = new WebAcl(this, 'WebAcl', {
      scope: 'REGIONAL',
      rateLimitPerFiveMinutes: api.wafRateLimitPerFiveMinutes,
      logGroupName: `aws-waf-logs-${uniqueName(this, 'partner-api')}`,
      logEncryptionKey: keys.logs,
      logRetention,
      removalPolicy,
    });
    this.webAcl.associate('StageAssociation', this.partnerApi.stage.stageArn);
    this.monitoring = {
      restApis: [{ label: 'PartnerApi', api: this.partnerApi.api }],
      functions: [{ label: 'PartnerApiAuthorizer', function: authorizer.function }],
      webAcls: [{ label: 'PartnerApiWaf', metricName: this.webAcl.metricName }],
    };

    new CfnOutput(this, 'PartnerApiDomainName', {
      value: api.domainName!,
      description: 'Name of the partner API (mutual TLS)',
    });
    new CfnOutput(this, 'PartnerApiUrl', {
      value: this.partnerApi.url,
      description: 'Base URL of the partner API: client certificate and API key',
    });
    new CfnOutput(this, 'PartnerApiRegionalDomainName', {
      value: this.partnerApi.domainName.domainNameAliasDomainName,
      description: 'Target for the partner API name when its DNS is not in Route 53 (CNAME)',
    });
    new CfnOutput(this, 'RevocationListUri', {
      value: this.pki.revocationListUri,
      description: 'Where `aws s3 cp <CA folder>/revocations.json` publishes a revocation',
    });
    new CfnOutput(this, 'TruststoreUri', {
      value: this.pki.truststore.bucket.s3UrlForObject(this.pki.truststore.key),
      description: 'The mutual-TLS truststore the custom domain uses (pinned to one object version)',
    });
  }
}
