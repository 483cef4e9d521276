import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  InternalServiceError,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsSecretsManager } from '../../src/secrets-manager/aws-secrets-manager.js';
import { SecretsManagerError } from '../../src/secrets-manager/secrets-manager.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tessera/app-AbCdEf';
const sdk = mockClient(SecretsManagerClient);
const adapter = new AwsSecretsManager(new SecretsManagerClient({ region: 'eu-west-1' }));

beforeEach(() => sdk.reset());

describe('AwsSecretsManager (AWS SDK v3)', () => {
  it('describeSecret maps ARN, rotation flag and version stages', async () => {
    sdk.on(DescribeSecretCommand).resolves({
      ARN,
      Name: 'tessera/app',
      RotationEnabled: true,
      VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
    });
    await expect(adapter.describeSecret('tessera/app')).resolves.toEqual({
      arn: ARN,
      name: 'tessera/app',
      rotationEnabled: true,
      versionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
    });
    expect(sdk.commandCalls(DescribeSecretCommand)[0]?.args[0].input).toEqual({ SecretId: 'tessera/app' });
  });

  it('describeSecret treats a missing RotationEnabled as disabled', async () => {
    sdk.on(DescribeSecretCommand).resolves({ ARN, Name: 'tessera/app' });
    await expect(adapter.describeSecret(ARN)).resolves.toMatchObject({
      rotationEnabled: false,
      versionIdsToStages: {},
    });
  });

  it('getSecretValue passes version id and stage', async () => {
    sdk
      .on(GetSecretValueCommand)
      .resolves({ ARN, VersionId: 'v2', VersionStages: ['AWSPENDING'], SecretString: '{}' });
    await expect(
      adapter.getSecretValue(ARN, { versionId: 'v2', versionStage: 'AWSPENDING' }),
    ).resolves.toEqual({
      arn: ARN,
      versionId: 'v2',
      versionStages: ['AWSPENDING'],
      secretString: '{}',
    });
    expect(sdk.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionId: 'v2',
      VersionStage: 'AWSPENDING',
    });
  });

  it('putSecretValue sends the token and stages', async () => {
    sdk.on(PutSecretValueCommand).resolves({ ARN, VersionId: 'v2' });
    await adapter.putSecretValue({
      secretId: ARN,
      clientRequestToken: 'v2',
      secretString: '{"password":"x"}',
      versionStages: ['AWSPENDING'],
    });
    expect(sdk.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      ClientRequestToken: 'v2',
      SecretString: '{"password":"x"}',
      VersionStages: ['AWSPENDING'],
    });
  });

  it('updateSecretVersionStage sends move-to and remove-from', async () => {
    sdk.on(UpdateSecretVersionStageCommand).resolves({ ARN });
    await adapter.updateSecretVersionStage({
      secretId: ARN,
      versionStage: 'AWSCURRENT',
      moveToVersionId: 'v2',
      removeFromVersionId: 'v1',
    });
    expect(sdk.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v2',
      RemoveFromVersionId: 'v1',
    });
  });

  it('getRandomPassword passes the policy', async () => {
    sdk.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'abc' });
    await expect(
      adapter.getRandomPassword({
        passwordLength: 32,
        excludeCharacters: '"@/',
        includeSpace: false,
        requireEachIncludedType: true,
      }),
    ).resolves.toBe('abc');
    expect(sdk.commandCalls(GetRandomPasswordCommand)[0]?.args[0].input).toEqual({
      PasswordLength: 32,
      ExcludeCharacters: '"@/',
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
  });

  it('service exceptions become SecretsManagerError with the service code', async () => {
    sdk.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        $metadata: {},
        message: "Secrets Manager can't find the specified secret value",
      }),
    );
    const error = await adapter.getSecretValue(ARN, { versionStage: 'AWSPENDING' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsManagerError);
    expect(error).toMatchObject({ code: 'ResourceNotFoundException' });
    expect((error as Error).message).toContain("can't find the specified secret value");
  });

  it('unknown service exceptions and network errors become ServiceError', async () => {
    sdk.on(DescribeSecretCommand).rejects(new InternalServiceError({ $metadata: {}, message: 'oops' }));
    await expect(adapter.describeSecret(ARN)).rejects.toMatchObject({ code: 'ServiceError' });
    sdk.on(DescribeSecretCommand).rejects(new Error('connect ETIMEDOUT'));
    await expect(adapter.describeSecret(ARN)).rejects.toMatchObject({
      code: 'ServiceError',
      message: expect.stringContaining('ETIMEDOUT'),
    });
  });

  it('a response without the secret string is an error, not an empty secret', async () => {
    sdk.on(GetSecretValueCommand).resolves({ ARN, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    await expect(adapter.getSecretValue(ARN)).rejects.toThrow('GetSecretValue.SecretString');
  });
});
