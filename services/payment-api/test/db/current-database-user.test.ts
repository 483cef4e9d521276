import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsManagerDatabaseUser } from '../../src/db/current-database-user.js';

const ARN = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:tessera-app-user-AbCdEf';
const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

function reader(): SecretsManagerDatabaseUser {
  return new SecretsManagerDatabaseUser(new SecretsManagerClient({ region: 'eu-central-1' }), ARN);
}

describe('SecretsManagerDatabaseUser', () => {
  it('reads the username of the AWSCURRENT version, each time anew', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ username: 'payment_api', password: 'pw-1' }) })
      .resolvesOnce({ SecretString: JSON.stringify({ username: 'payment_api_clone', password: 'pw-2' }) });
    const user = reader();
    expect(await user.read()).toBe('payment_api');
    expect(await user.read()).toBe('payment_api_clone');
    const calls = sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT' },
      { SecretId: ARN, VersionStage: 'AWSCURRENT' },
    ]);
  });

  it('names the secret, never its content, when the username is missing or the value is not JSON', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ password: 'hunter2-secret' }) })
      .resolvesOnce({ SecretString: 'hunter2-secret' })
      .resolvesOnce({ SecretString: JSON.stringify({ username: '', password: 'hunter2-secret' }) });
    const user = reader();
    for (const expected of [/has no "username" field/, /is not a JSON object/, /has no "username" field/]) {
      const err = await user.read().then(
        () => new Error('read succeeded'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(expected);
      expect(err.message).toContain(ARN);
      expect(err.message).not.toContain('hunter2');
    }
  });

  it('passes a Secrets Manager error through (e.g. access denied)', async () => {
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException: not authorized'));
    await expect(reader().read()).rejects.toThrow(/AccessDenied/);
  });
});
