import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeBucketDeploymentProvider } from '../lambda-acknowledgements.js';
import { createLogBucket, instantRetrievalTransitionFor } from '../log-bucket.js';

export interface StaticSiteDomain {
  /** ACM certificate in us-east-1 covering every name in `domainNames`. */
  readonly certificate: acm.ICertificate;
  readonly domainNames: string[];
}

export interface StaticSiteProps {
  /** Directory whose files are published at the root of the site. */
  readonly contentPath: string;
  /**
   * Extra files rendered at deploy time (values may be tokens), e.g. `config.json` with the API URL.
   * @default - none
   */
  readonly generatedFiles?: Record<string, Record<string, unknown>>;
  /**
   * Origins the page may call with fetch (CSP `connect-src`), e.g. the API URL.
   * @default - only the site itself
   */
  readonly connectOrigins?: string[];
  /** ARN of a CLOUDFRONT-scope WAFv2 web ACL (lives in us-east-1). */
  readonly webAclArn: string;
  /**
   * Custom domain; required for a TLS 1.2+ viewer policy (the default *.cloudfront.net
   * certificate cannot enforce a minimum protocol version).
   * @default - the distribution's cloudfront.net domain
   */
  readonly domain?: StaticSiteDomain;
  /** How long S3 and CloudFront access logs are kept. */
  readonly accessLogRetention: Duration;
  /**
   * With DESTROY both buckets are also emptied on deletion, so a disposable environment tears down cleanly.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * Static content in a private S3 bucket behind CloudFront with Origin Access Control, HTTPS only,
 * security headers, WAF and access logs; the content is published by a bucket deployment.
 */
export class StaticSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly deployment: s3deploy.BucketDeployment;
  /** `https://<custom domain or distribution domain>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // CloudFront standard logging writes with ACLs, so this bucket keeps ACLs enabled
    // (BUCKET_OWNER_PREFERRED: the bucket owner still owns every delivered object).
    this.logBucket = createLogBucket(this, 'AccessLogs', {
      contents: 'CloudFront standard logs and S3 server access logs',
      retention: {
        ruleId: 'retain-access-logs',
        expiration: props.accessLogRetention,
        instantRetrievalAfter: instantRetrievalTransitionFor(props.accessLogRetention),
      },
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Content', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) }],
    });

    const connectSrc = ["'self'", ...(props.connectOrigins ?? [])].join(' ');
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Tessera static site security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src ${connectSrc}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          override: true,
        },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Tessera static content',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? {
            certificate: props.domain.certificate,
            domainNames: props.domain.domainNames,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    const sources = [s3deploy.Source.asset(props.contentPath)];
    for (const [name, content] of Object.entries(props.generatedFiles ?? {})) {
      sources.push(s3deploy.Source.jsonData(name, content));
    }
    this.deployment = new s3deploy.BucketDeployment(this, 'Publish', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });

    const host = props.domain?.domainNames[0] ?? this.distribution.distributionDomainName;
    this.url = `https://${host}`;

    this.acknowledgeContentBucket();
    this.acknowledgeDistribution(props.domain !== undefined);
    this.acknowledgeDeploymentProvider();
  }

  private acknowledgeContentBucket(): void {
    acknowledge(
      this.bucket,
      ['PCI.DSS.321-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS'],
      'The bucket holds the public status page served to anonymous browsers, never cardholder data; SSE-S3 ' +
        'encrypts it at rest and Origin Access Control is the only reader, so a KMS key would add no access control.',
    );
    acknowledge(
      this.bucket,
      ['PCI.DSS.321-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      'Content is rebuilt from the repository by the bucket deployment on every deploy, so it has no recovery ' +
        'objective that cross-region replication serves; versioning keeps earlier objects for 90 days.',
    );
  }

  private acknowledgeDistribution(hasCustomDomain: boolean): void {
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The status page is public operational information for operators anywhere; the WAF web ACL (IP reputation, ' +
        'rate limit, managed rule groups) filters abusive clients instead of a geographic block.',
    );
    if (!hasCustomDomain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves the default *.cloudfront.net certificate, whose viewer policy ' +
          'AWS fixes at TLSv1 and does not let us raise; configuring edge.certificateArn and edge.domainNames ' +
          'switches the distribution to TLSv1.2_2021.',
      );
    }
  }

  /** The bucket deployment's provider is a CDK-managed Lambda that runs only while deploying. */
  private acknowledgeDeploymentProvider(): void {
    const why =
      'The CDK bucket-deployment provider runs only during deployments, copies the public status page ' +
      'from the CDK asset bucket and invalidates the distribution; it handles no cardholder data';
    const role = acknowledgeBucketDeploymentProvider(
      this.deployment,
      this.bucket,
      why,
      'the S3 and CloudFront APIs',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      `${why}; cloudfront:CreateInvalidation and GetInvalidation do not support resource-level permissions.`,
    );
  }
}
