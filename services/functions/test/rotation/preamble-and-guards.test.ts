import { describe, expect, it } from 'vitest';
import { serializeDatabaseSecret, type DatabaseSecret } from '../../src/rotation/database-secret.js';
import { AWSCURRENT, AWSPENDING } from '../../src/secrets-manager/secrets-manager.js';
import { RotationFixture } from '../support/rotation-fixture.js';

async function failure(run: Promise<void>): Promise<string> {
  return run.then(
    () => 'no error',
    (error: unknown) => (error as Error).message,
  );
}

describe('rotation preamble (AWS rules)', () => {
  it('refuses a secret with rotation disabled', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    fx.secrets.setRotationEnabled(fx.appSecretArn, false);
    expect(await failure(fx.runStep(token, 'createSecret'))).toContain('rotation is not enabled');
  });

  it('refuses a token that is not a version of the secret', async () => {
    const fx = await RotationFixture.create();
    expect(await failure(fx.runStep('99999999-9999-4999-8999-999999999999', 'createSecret'))).toContain(
      'is not a version of secret',
    );
  });

  it('refuses a token that is not staged AWSPENDING', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    await fx.secrets.updateSecretVersionStage({
      secretId: fx.appSecretArn,
      versionStage: 'OPERATOR_LABEL',
      moveToVersionId: token,
    });
    await fx.secrets.updateSecretVersionStage({
      secretId: fx.appSecretArn,
      versionStage: AWSPENDING,
      removeFromVersionId: token,
    });
    expect(await failure(fx.runStep(token, 'setSecret'))).toContain('is not staged AWSPENDING');
  });

  it('does nothing for a token that is already AWSCURRENT, whatever the step', async () => {
    const fx = await RotationFixture.create();
    const token = await fx.rotate();
    const callsBefore = fx.secrets.calls.length;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await fx.runStep(token, step);
    }
    expect(fx.secrets.calls.slice(callsBefore).map((c) => c.operation)).toEqual(
      Array(4).fill('describeSecret'),
    );
  });

  it('rejects an unknown step and a malformed event with a clear message', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    expect(await failure(fx.runStep(token, 'dropSecret' as never))).toContain(
      'unknown step "dropSecret"; allowed: createSecret, setSecret, testSecret, finishSecret',
    );
    expect(await failure(fx.runStep(token, 'toString' as never))).toContain('unknown step "toString"');
    expect(
      await failure(fx.handler({ SecretId: fx.appSecretArn, ClientRequestToken: '', Step: 'createSecret' })),
    ).toBe('rotation event: field "ClientRequestToken" must be a non-empty string');
  });
});

describe('setSecret confused-deputy protection', () => {
  async function withPending(fx: RotationFixture, change: Partial<DatabaseSecret>): Promise<string> {
    const current = await fx.secretAt(AWSCURRENT);
    const token = fx.startRotation();
    const { versionId: _ignored, ...value } = current;
    await fx.secrets.putSecretValue({
      secretId: fx.appSecretArn,
      clientRequestToken: token,
      secretString: serializeDatabaseSecret({ ...value, username: `${fx.baseUser}_clone`, ...change }),
      versionStages: [AWSPENDING],
    });
    return token;
  }

  it.each([
    ['host', { host: 'db.attacker.example' }],
    ['dbname', { dbname: 'postgres' }],
    ['masterarn', { masterarn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:other-master' }],
  ] as const)('refuses an AWSPENDING value whose %s differs from AWSCURRENT', async (field, change) => {
    const fx = await RotationFixture.create();
    const token = await withPending(fx, change);
    expect(await failure(fx.runStep(token, 'setSecret'))).toContain(`AWSPENDING field "${field}"`);
    expect(fx.secrets.calls.filter((c) => c.secretId === fx.masterSecretArn)).toEqual([]);
  });

  it('refuses to set the password of a user that is not the partner of the current user', async () => {
    const fx = await RotationFixture.create();
    const token = await withPending(fx, { username: 'postgres' });
    expect(await failure(fx.runStep(token, 'setSecret'))).toContain(
      `AWSPENDING user "postgres" is not the alternate of the current user "${fx.baseUser}"`,
    );
  });

  it('refuses a master secret that belongs to another host', async () => {
    const fx = await RotationFixture.create();
    await fx.secrets.putSecretValue({
      secretId: fx.masterSecretArn,
      clientRequestToken: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      secretString: JSON.stringify({ username: 'x', password: 'y-long-enough', host: 'other.example' }),
      versionStages: [AWSCURRENT],
    });
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    expect(await failure(fx.runStep(token, 'setSecret'))).toContain(
      'the master secret is for host "other.example"',
    );
  });

  it('names a missing base role instead of creating users from nothing', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    await fx.asMaster(async (client) => {
      await client.query(`REVOKE ALL ON ledger_probe FROM ${fx.baseUser}`);
      await client.query(`REVOKE ALL ON SEQUENCE ledger_probe_id_seq FROM ${fx.baseUser}`);
      await client.query(`DROP ROLE ${fx.baseUser}`);
    });
    expect(await failure(fx.runStep(token, 'setSecret'))).toContain(
      `base role "${fx.baseUser}" does not exist`,
    );
  });
});

describe('testSecret checks the privileges, not only the login', () => {
  it('fails when the clone lost its membership in the base role', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    await fx.runStep(token, 'setSecret');
    await fx.asMaster((client) => client.query(`REVOKE ${fx.baseUser} FROM ${fx.baseUser}_clone`));
    expect(await failure(fx.runStep(token, 'testSecret'))).toContain(
      `"${fx.baseUser}_clone" does not hold the privileges of "${fx.baseUser}"`,
    );
    // The retry's setSecret sees the missing privileges, re-grants the membership, and the rotation heals.
    await fx.runSteps(token);
    expect((await fx.secretAt(AWSCURRENT)).versionId).toBe(token);
  });
});
