import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { AlertTopics } from '../../../lib/constructs/security/alert-topics.js';

const emails = {
  security: ['secops@example.com'],
  compliance: ['grc@example.com', 'qsa-liaison@example.com'],
  operations: [],
};

function build(withKey = false): { template: Template; topics: AlertTopics } {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const encryptionKey = withKey ? new kms.Key(stack, 'Given', { enableKeyRotation: true }) : undefined;
  const topics = new AlertTopics(stack, 'Alerts', { emails, encryptionKey });
  return { template: Template.fromStack(stack), topics };
}

describe('AlertTopics', () => {
  it('encrypts every topic with a rotating customer-managed key', () => {
    const { template } = build();
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(3);
    for (const topic of Object.values(topics)) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^AlertsKey/), 'Arn'],
      });
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('denies publishing without TLS on every topic', () => {
    const { template } = build();
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('subscribes the configured addresses to their own topic only', () => {
    const { template } = build();
    const subs = Object.values(template.findResources('AWS::SNS::Subscription'));
    const endpoints = subs.map((s) => [s.Properties.Endpoint, s.Properties.TopicArn.Ref as string]);
    expect(endpoints).toHaveLength(3);
    expect(endpoints).toContainEqual(['secops@example.com', expect.stringMatching(/^AlertsSecurity/)]);
    expect(endpoints).toContainEqual(['grc@example.com', expect.stringMatching(/^AlertsCompliance/)]);
    expect(endpoints).toContainEqual(['qsa-liaison@example.com', expect.stringMatching(/^AlertsCompliance/)]);
    for (const s of subs) expect(s.Properties.Protocol).toBe('email');
  });

  it('lets EventBridge, CloudWatch alarms and AWS Budgets use the key, also when the key is given', () => {
    for (const withKey of [false, true]) {
      const { template } = build(withKey);
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: {
                Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com', 'budgets.amazonaws.com'],
              },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    }
  });

  it('rejects an invalid e-mail address naming the audience and value', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(
      () => new AlertTopics(stack, 'Alerts', { emails: { ...emails, operations: ['not-an-address'] } }),
    ).toThrow("alert e-mail for operations is not a valid address: 'not-an-address'");
  });
});
