import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EncryptionKeys } from '../../lib/constructs/encryption-keys.js';

function build(removalPolicy?: RemovalPolicy): Template {
  const stack = new Stack(new App(), 'Keys', { env: { account: '111111111111', region: 'eu-west-1' } });
  new EncryptionKeys(stack, 'Keys', { aliasPrefix: 'tessera/test', removalPolicy });
  return Template.fromStack(stack);
}

describe('EncryptionKeys', () => {
  const template = build(RemovalPolicy.DESTROY);

  it('creates five rotating keys (data, logs, secrets, backups, vault), each under its own alias', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.values(keys).map((k) => k.Properties.EnableKeyRotation)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    const aliases = Object.values(template.findResources('AWS::KMS::Alias')).map((a) => [
      a.Properties.AliasName,
      a.Properties.TargetKeyId['Fn::GetAtt'][0],
    ]);
    expect(aliases.sort()).toEqual([
      ['alias/tessera/test/backups', expect.stringMatching(/^KeysBackups/)],
      ['alias/tessera/test/data', expect.stringMatching(/^KeysData/)],
      ['alias/tessera/test/logs', expect.stringMatching(/^KeysLogs/)],
      ['alias/tessera/test/secrets', expect.stringMatching(/^KeysSecrets/)],
      ['alias/tessera/test/vault', expect.stringMatching(/^KeysVault/)],
    ]);
    expect(new Set(aliases.map(([, key]) => key)).size).toBe(5);
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
