import { CfnOutput, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentConfig } from '../../config/index.js';
import { StaticSite } from '../constructs/edge/static-site.js';
import { WebAcl } from '../constructs/web-acl.js';
import { uniqueName } from '../naming.js';
import type { EdgeWafStack } from './edge-waf-stack.js';
import { toRemovalPolicy } from '../removal-policy.js';

const STATUS_PAGE = fileURLToPath(new URL('../../../services/status-page', import.meta.url));

const PRICE_CLASSES: Record<EnvironmentConfig['edge']['priceClass'], cloudfront.PriceClass> = {
  '100': cloudfront.PriceClass.PRICE_CLASS_100,
  '200': cloudfront.PriceClass.PRICE_CLASS_200,
  all: cloudfront.PriceClass.PRICE_CLASS_ALL,
};

export interface EdgeStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Base URL of the payment API; the status page probes it. */
  readonly apiUrl: string;
  /** Logs key of the primary region, for the web ACL's log group when it lives in this stack. */
  readonly logsKey: kms.IKey;
  /**
   * The us-east-1 stack holding the CLOUDFRONT web ACL, when the primary region is not us-east-1.
   * @default - the web ACL is created in this stack (which must then be in us-east-1)
   */
  readonly edgeWaf?: EdgeWafStack;
}

/** Static content (the operator status page) in S3 behind CloudFront with OAC and WAF. */
export class EdgeStack extends Stack {
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);

    let webAclArn: string;
    if (props.edgeWaf) {
      // Cross-region value: read with Fn::GetStackOutput (a weak reference), which needs no custom-resource
      // Lambda, unlike the strong cross-region mechanism (ExportWriter/ExportReader).
      webAclArn = Stack.consumeReference(props.edgeWaf.webAcl.webAclArn, ReferenceStrength.WEAK);
    } else {
      webAclArn = new WebAcl(this, 'WebAcl', {
        scope: 'CLOUDFRONT',
        rateLimitPerFiveMinutes: config.edge.wafRateLimitPerFiveMinutes,
        logGroupName: `aws-waf-logs-${uniqueName(this, 'cdn')}`,
        logEncryptionKey: props.logsKey,
        logRetention: config.edge.logRetentionDays as logs.RetentionDays,
        removalPolicy,
      }).webAclArn;
    }

    const { certificateArn, domainNames } = config.edge;
    this.site = new StaticSite(this, 'StatusPage', {
      contentPath: STATUS_PAGE,
      generatedFiles: {
        'config.json': { environment: config.envName, region: config.regions.primary, apiUrl: props.apiUrl },
      },
      connectOrigins: [props.apiUrl],
      webAclArn,
      domain: certificateArn
        ? {
            certificate: acm.Certificate.fromCertificateArn(this, 'EdgeCertificate', certificateArn),
            domainNames,
          }
        : undefined,
      accessLogRetention: Duration.days(config.edge.accessLogRetentionDays),
      removalPolicy,
      priceClass: PRICE_CLASSES[config.edge.priceClass],
    });

    new CfnOutput(this, 'CloudFrontDomainName', {
      value: this.site.distribution.distributionDomainName,
      description: 'Domain of the static content distribution',
    });
    new CfnOutput(this, 'StatusPageUrl', { value: this.site.url, description: 'Operator status page' });
    new CfnOutput(this, 'StaticBucketName', {
      value: this.site.bucket.bucketName,
      description: 'S3 bucket holding the static content (private; served only through CloudFront OAC)',
    });
  }
}
