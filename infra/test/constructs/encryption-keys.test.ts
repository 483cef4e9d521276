import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EncryptionKeys, KEY_PURPOSES } from '../../lib/constructs/encryption-keys.js';

function build(removalPolicy?: RemovalPolicy): Template {
  const stack = new Stack(new App(), 'Keys', { env: { account: '111111111111', region: 'eu-west-1' } });
  new EncryptionKeys(stack, 'Keys', { aliasPrefix: 'tessera/test', removalPolicy });
  return Template.fromStack(stack);
}

describe('EncryptionKeys', () => {
  const template = build(RemovalPolicy.DESTROY);

  it('creates one rotating key per purpose, each with its alias', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.values(keys).every((k) => k.Properties.EnableKeyRotation === true)).toBe(true);
    for (const purpose of KEY_PURPOSES) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/tessera/test/${purpose}` });
    }
    expect(Object.keys(keys)).toHaveLength(KEY_PURPOSES.length);
  });

  it('takes the removal policy from props', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    build().hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('lets CloudWatch Logs in this account and region use the logs key, and only the logs key', () => {
    const logsPrincipal = { Service: 'logs.eu-west-1.amazonaws.com' };
    const keys = template.findResources('AWS::KMS::Key', {
      Properties: Match.objectLike({
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: logsPrincipal,
              Action: Match.arrayWith(['kms:Decrypt*', 'kms:GenerateDataKey*']),
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:*']],
                  },
                },
              },
            }),
          ]),
        },
      }),
    });
    expect(Object.keys(keys)).toEqual([expect.stringMatching(/^KeysLogs/)]);
  });

  it('lets flow-log delivery to S3 use the logs key only on behalf of this account', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '111111111111' } }),
          }),
        ]),
      },
    });
  });

  it('rejects an alias prefix KMS would refuse', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new EncryptionKeys(stack, 'Keys', { aliasPrefix: 'aws/x' })).toThrow(
      /must use only letters/,
    );
  });
});
