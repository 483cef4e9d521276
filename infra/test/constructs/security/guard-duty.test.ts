import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { GuardDuty, type GuardDutyProps } from '../../../lib/constructs/security/guard-duty.js';

function build(props: Partial<GuardDutyProps> = {}): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const findingsTopic = new sns.Topic(stack, 'SecurityTopic');
  new GuardDuty(stack, 'GuardDuty', { mode: 'create', findingsTopic, ...props });
  return Template.fromStack(stack);
}

describe('GuardDuty', () => {
  it('enables the protection plans for the services Tessera runs', () => {
    const template = build();
    template.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      Features: Match.arrayWith([
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
        { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
        { Name: 'LAMBDA_NETWORK_LOGS', Status: 'ENABLED' },
        {
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: Match.arrayWith([
            { Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' },
          ]),
        },
        { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' },
      ]),
    });
  });

  it('routes findings of severity 7 and above to the security topic', () => {
    const template = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', 7] }] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^SecurityTopic') } })],
    });
    // EventBridge needs the topic policy to publish.
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('creates no detector in existing mode but still routes findings', () => {
    const template = build({ mode: 'existing' });
    expect(template.findResources('AWS::GuardDuty::Detector')).toEqual({});
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.guardduty'] }),
    });
  });

  it('rejects a severity threshold outside 1..10', () => {
    expect(() => build({ minimumSeverity: 11 })).toThrow(
      'guardDuty minimumSeverity must be between 1 and 10, got 11',
    );
  });
});
