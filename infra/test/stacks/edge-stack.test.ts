import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

const NO_GATE = { complianceGate: false } as const;

describe('EdgeStack in us-east-1 (dev)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('dev', {}, NO_GATE);
    t = env.template(env.stacks.edge);
  });

  it('keeps the CLOUDFRONT web ACL in the edge stack itself and attaches it to the distribution', () => {
    expect(env.stacks.edgeWaf).toBeUndefined();
    t.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebAcl'), 'Arn'] },
      }),
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-tessera-dev-cdn-'),
    });
  });

  it('lets only this distribution read the bucket, through Origin Access Control', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^StatusPageContent') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: {
                'AWS:SourceArn': {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('Distribution') })]),
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
    const policies = JSON.stringify(t.findResources('AWS::S3::BucketPolicy'));
    expect(policies).not.toMatch(/"Principal":"\*","Action":"s3:GetObject"/);
  });

  it('publishes the status page with the API URL, and allows the page to call only that API', () => {
    t.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^StatusPageContent') },
      DistributionPaths: ['/*'],
      SourceMarkers: Match.arrayWith([Match.objectLike({ '<<marker:0xbaba:0>>': Match.anyValue() })]),
    });
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp("connect-src 'self' https://")])],
            },
          }),
        }),
      }),
    });
  });

  it('outputs the CloudFront domain and the static bucket name', () => {
    expect(Object.keys(t.findOutputs('*'))).toEqual(
      expect.arrayContaining(['CloudFrontDomainName', 'StaticBucketName', 'StatusPageUrl']),
    );
  });
});

describe('EdgeStack with a primary region other than us-east-1', () => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthEnvironment(
      'dev',
      {
        regions: { primary: 'eu-central-1', dr: 'eu-west-1' },
        availabilityZones: ['eu-central-1a', 'eu-central-1b'],
        network: { natStrategy: 'single-gateway' },
      },
      NO_GATE,
    );
  });

  it('builds the CLOUDFRONT web ACL in a us-east-1 EdgeWaf stack with its own logs key', () => {
    const waf = env.stacks.edgeWaf;
    expect(waf?.region).toBe('us-east-1');
    expect(waf?.stackName).toBe('Tessera-dev-EdgeWaf');
    const t = env.template(waf!);
    t.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('reads the web ACL ARN in the edge stack with Fn::GetStackOutput (no custom-resource Lambda)', () => {
    const t = env.template(env.stacks.edge);
    expect(env.stacks.edge.region).toBe('eu-central-1');
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: {
          'Fn::GetStackOutput': Match.objectLike({ StackName: 'Tessera-dev-EdgeWaf', Region: 'us-east-1' }),
        },
      }),
    });
    expect(Object.keys(t.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
    expect(JSON.stringify(t.toJSON())).not.toMatch(/ExportsReader|Custom::CrossRegionExportReader/);
  });

  it('has zero unacknowledged compliance findings across all stacks', () => {
    const { report } = synthEnvironment('dev', {
      regions: { primary: 'eu-central-1', dr: 'eu-west-1' },
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
      network: { natStrategy: 'single-gateway' },
    });
    expect(report.findings, describeFindings(report.findings)).toEqual([]);
  });
});

describe('EdgeStack with a custom domain', () => {
  it('uses the us-east-1 certificate and enforces TLSv1.2_2021 for viewers', () => {
    const env = synthEnvironment('prod', {
      edge: {
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b',
        domainNames: ['status.pay.example.com'],
      },
    });
    expect(env.report.findings, describeFindings(env.report.findings)).toEqual([]);
    env.template(env.stacks.edge).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['status.pay.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: Match.stringLikeRegexp('^arn:aws:acm:us-east-1:'),
          MinimumProtocolVersion: 'TLSv1.2_2021',
        }),
      }),
    });
  });
});
