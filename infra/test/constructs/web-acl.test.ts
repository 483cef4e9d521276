import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { WebAcl, type WebAclProps } from '../../lib/constructs/web-acl.js';

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
});
