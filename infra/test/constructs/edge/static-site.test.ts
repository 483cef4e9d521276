import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StaticSite, type StaticSiteProps } from '../../../lib/constructs/edge/static-site.js';

const CONTENT = fileURLToPath(new URL('../../../../services/status-page', import.meta.url));
const WEB_ACL = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/abc';

function build(props: Partial<StaticSiteProps> = {}): Template {
  const stack = new Stack(new App(), 'Edge', { env: { account: '111111111111', region: 'eu-central-1' } });
  new StaticSite(stack, 'Site', {
    contentPath: CONTENT,
    generatedFiles: { 'config.json': { apiUrl: 'https://api.example.com' } },
    connectOrigins: ['https://api.example.com'],
    webAclArn: WEB_ACL,
    accessLogRetention: Duration.days(400),
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });
  return Template.fromStack(stack);
}

describe('StaticSite', () => {
  const template = build();

  it('serves a private, encrypted, versioned bucket through Origin Access Control only', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
    });
  });

  it('redirects to HTTPS, attaches the WAF, logs, and sends security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: WEB_ACL,
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
          }),
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("connect-src 'self' https://api.example.com;"),
          }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
  });

  it('keeps CloudFront logs in an ACL-enabled bucket owned by the bucket owner', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] },
    });
  });

  it('publishes the status page and the generated config with a bucket deployment', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/*'],
      Prune: true,
      DestinationBucketName: { Ref: Match.stringLikeRegexp('SiteContent') },
    });
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0]?.Properties;
    expect(deployment.SourceObjectKeys).toHaveLength(2);
  });

  it('enforces TLS 1.2 for viewers when a custom domain certificate is given', () => {
    expect(JSON.stringify(template.findResources('AWS::CloudFront::Distribution'))).not.toMatch(
      /MinimumProtocolVersion/,
    );
    const stack = new Stack(new App(), 'Cert', { env: { account: '111111111111', region: 'us-east-1' } });
    const certificate = acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
    );
    build({ domain: { certificate, domainNames: ['status.example.com'] } }).hasResourceProperties(
      'AWS::CloudFront::Distribution',
      {
        DistributionConfig: Match.objectLike({
          Aliases: ['status.example.com'],
          ViewerCertificate: Match.objectLike({
            MinimumProtocolVersion: 'TLSv1.2_2021',
            SslSupportMethod: 'sni-only',
          }),
        }),
      },
    );
  });
});
