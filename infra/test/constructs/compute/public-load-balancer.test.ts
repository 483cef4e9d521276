import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { computeFixture } from '../../support/compute.js';

describe('PublicLoadBalancer', () => {
  const template = Template.fromStack(computeFixture(elbv2.TargetType.IP).stack);

  it('serves HTTPS with the certificate and a TLS 1.2/1.3-only policy', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: Match.stringLikeRegexp('^arn:aws:acm:eu-central-1:') }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('logs access to its access-log bucket in the server access log bucket (reads of the logs too)', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    const [, albLogs] = Object.entries(buckets).find(([id]) => id.startsWith('AlbAccessLogs')) ?? [];
    const [targetId] = Object.entries(buckets).find(([id]) => id.startsWith('ServerAccessLogs')) ?? [];
    expect(albLogs?.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: targetId },
      LogFilePrefix: 'alb-access-logs/',
    });
  });

  it('answers HTTP with a permanent redirect to HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } },
      ],
    });
  });

  it('drops invalid headers, keeps access logs and is protected from deletion', () => {
    const lbs = template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const lb = Object.values(lbs)[0]?.Properties;
    expect(lb.Scheme).toBe('internet-facing');
    expect(lb.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    );
  });

  it('writes access logs to an SSE-S3, TLS-only, private bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('empties the access log bucket on deletion when the removal policy is DESTROY', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
      BucketName: { Ref: Match.stringLikeRegexp('^AlbAccessLogs') },
    });
  });

  it('probes /health on 8080', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckPort: '8080',
      Matcher: { HttpCode: '200' },
    });
  });

  it('opens 443 and 80 to the internet and nothing else, with no open egress', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Payment API load balancer') },
    });
    const group = Object.values(groups)[0]?.Properties;
    expect(group.SecurityGroupIngress.map((r: { FromPort: number }) => r.FromPort).sort()).toEqual([443, 80]);
    for (const rule of group.SecurityGroupEgress) expect(rule.CidrIp).toBe('255.255.255.255/32');
  });
});
