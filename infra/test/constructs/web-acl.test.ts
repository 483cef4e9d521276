import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { WebAcl, type WebAclProps } from '../../lib/constructs/web-acl.js';
import { WafModel, type WafRequest } from '../support/waf.js';

function build(region: string, props: Partial<WebAclProps> = {}): Template {
  const stack = new Stack(new App(), 'Waf', { env: { account: '111111111111', region } });
  const acl = new WebAcl(stack, 'Acl', {
    scope: 'REGIONAL',
    rateLimitPerFiveMinutes: 2000,
    logGroupName: 'aws-waf-logs-tessera-test',
    logEncryptionKey: new kms.Key(stack, 'LogsKey', { enableKeyRotation: true }),
    logRetention: logs.RetentionDays.ONE_YEAR,
    ...props,
  });
  acl.associate('Alb', 'arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/x/y');
  return Template.fromStack(stack);
}

describe('WebAcl', () => {
  const template = build('eu-central-1');

  it('applies the AWS managed rule groups and a per-IP rate limit', () => {
    const acls = template.findResources('AWS::WAFv2::WebACL');
    const acl = Object.values(acls)[0]?.Properties;
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    const groups = acl.Rules.filter(
      (r: { Statement: object }) => 'ManagedRuleGroupStatement' in r.Statement,
    ).map(
      (r: { Statement: { ManagedRuleGroupStatement: { Name: string } } }) =>
        r.Statement.ManagedRuleGroupStatement.Name,
    );
    expect(groups.sort()).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    expect(acl.Rules).toContainEqual(
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      }),
    );
  });

  it('logs to an encrypted aws-waf-logs- group with the authorization header redacted', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-tessera-test',
      KmsKeyId: Match.anyValue(),
      RetentionInDays: 365,
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    const config = JSON.stringify(template.findResources('AWS::WAFv2::LoggingConfiguration'));
    expect(config).not.toMatch(/:\*"/);
  });

  it('associates the web ACL with the given resource', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.stringLikeRegexp('loadbalancer/app'),
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Acl'), 'Arn'] },
    });
  });

  it('refuses names WAF cannot log to, too-low limits and CLOUDFRONT scope outside us-east-1', () => {
    expect(() => build('eu-central-1', { logGroupName: 'tessera-waf' })).toThrow(
      /logGroupName must start with 'aws-waf-logs-'.*'tessera-waf'/,
    );
    expect(() => build('eu-central-1', { rateLimitPerFiveMinutes: 5 })).toThrow(/>= 10.*got 5/);
    expect(() => build('eu-central-1', { scope: 'CLOUDFRONT' })).toThrow(
      /us-east-1, got stack region 'eu-central-1'/,
    );
    expect(() => build('us-east-1', { scope: 'CLOUDFRONT' })).not.toThrow();
  });

  describe('with a trusted forwarder', () => {
    const HEADER = 'X-Tessera-Client-Certificate-Merchant';
    const forwarded = build('eu-central-1', {
      trustedForwarder: { headers: [HEADER], sourceCidrs: ['10.0.2.0/24', '10.0.3.0/24'] },
    });
    const rules = () =>
      (Object.values(forwarded.findResources('AWS::WAFv2::WebACL'))[0]?.Properties as { Rules: object[] })
        .Rules as Record<string, unknown>[];
    const waf = new WafModel(forwarded);
    const request = (sourceIp: string, headers: Record<string, string> = {}): WafRequest => ({
      sourceIp,
      headers: { host: 'api.pay.example.com', authorization: 'Bearer sk_test_x', ...headers },
    });

    it('blocks the reserved header from the internet in any case, before every other rule', () => {
      for (const name of [HEADER, HEADER.toLowerCase(), 'x-TESSERA-client-certificate-MERCHANT']) {
        expect(waf.firstMatch(rules(), request('203.0.113.7', { [name]: 'acct_1PZ3nQ0aBcDeFgHi' }))).toBe(
          'BlockReservedHeaders',
        );
      }
      expect(rules().find((r) => r.Name === 'BlockReservedHeaders')).toMatchObject({
        Priority: 0,
        Action: { Block: {} },
      });
      expect(Math.min(...rules().map((r) => r.Priority as number))).toBe(0);
    });

    it('lets the forwarder send it, and lets requests without it through', () => {
      // No rule matches the forwarder's request: the default action (allow) applies.
      expect(waf.firstMatch(rules(), request('10.0.3.41', { [HEADER]: 'acct_1PZ3nQ0aBcDeFgHi' }))).toBe(
        undefined,
      );
      // An internet request without the header only counts towards its address's rate limit.
      expect(waf.firstMatch(rules(), request('203.0.113.7'))).toBe('RateLimitPerIp');
      // 10.0.4.0/24 is in the VPC but not a forwarder subnet: still blocked.
      expect(waf.firstMatch(rules(), request('10.0.4.9', { [HEADER]: 'acct_x' }))).toBe(
        'BlockReservedHeaders',
      );
    });

    it("exempts only the forwarder's sources from the per-IP rate limit", () => {
      const rate = rules().find((r) => r.Name === 'RateLimitPerIp')!;
      const counts = (ip: string) => waf.matches(rate.Statement as Record<string, unknown>, request(ip));
      expect(counts('203.0.113.7')).toBe(true);
      expect(counts('10.0.2.17')).toBe(false);
      forwarded.hasResourceProperties('AWS::WAFv2::IPSet', {
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV4',
        Addresses: ['10.0.2.0/24', '10.0.3.0/24'],
        // WAF refuses descriptions outside this pattern (no parentheses, for example).
        Description: Match.stringLikeRegexp('^[\\w+=:#@/\\-,.][\\w+=:#@/\\-,.\\s]+[\\w+=:#@/\\-,.]$'),
      });
    });

    it('blocks the header from every source when the forwarder has none, and leaves the rate limit whole', () => {
      const closed = build('eu-central-1', { trustedForwarder: { headers: [HEADER] } });
      const closedRules = (
        Object.values(closed.findResources('AWS::WAFv2::WebACL'))[0]?.Properties as {
          Rules: Record<string, unknown>[];
        }
      ).Rules;
      const model = new WafModel(closed);
      expect(model.firstMatch(closedRules, request('10.0.2.17', { [HEADER]: 'acct_x' }))).toBe(
        'BlockReservedHeaders',
      );
      closed.resourceCountIs('AWS::WAFv2::IPSet', 0);
      expect(JSON.stringify(closedRules)).not.toContain('ScopeDownStatement');
    });

    it('has no reserved-header rule without the prop', () => {
      const plain = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]?.Properties as {
        Rules: { Name: string }[];
      };
      expect(plain.Rules.map((r) => r.Name)).not.toContain('BlockReservedHeaders');
    });
  });
});
