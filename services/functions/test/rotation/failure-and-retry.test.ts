import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DatabaseError, type ConnectDatabase } from '../../src/rotation/database.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../src/secrets-manager/secrets-manager.js';
import { CuttableProxy } from '../support/cuttable-proxy.js';
import { RotationFixture, STEPS, type StepName } from '../support/rotation-fixture.js';

const proxies: CuttableProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.cut();
});

async function fixtureBehindProxy(
  wrapConnect?: (connect: ConnectDatabase) => ConnectDatabase,
): Promise<{ fx: RotationFixture; proxy: CuttableProxy }> {
  const db = inject('tempPostgres');
  const proxy = new CuttableProxy(db.host, db.port);
  proxies.push(proxy);
  await proxy.open();
  const fx = await RotationFixture.create({ port: proxy.port, ...(wrapConnect ? { wrapConnect } : {}) });
  return { fx, proxy };
}

/** Runs the steps up to `failing`, which must throw; returns the rotation token. */
async function rotateUntilFailure(fx: RotationFixture, failing: StepName): Promise<string> {
  const token = fx.startRotation();
  for (const step of STEPS) {
    if (step === failing) {
      await expect(fx.runStep(token, step)).rejects.toThrow(`${step} failed`);
      return token;
    }
    await fx.runStep(token, step);
  }
  throw new Error(`step ${failing} never ran`);
}

async function expectOriginalStillCurrent(fx: RotationFixture, originalVersion: string): Promise<void> {
  const current = await fx.secretAt(AWSCURRENT);
  expect(current.versionId).toBe(originalVersion);
  expect(await fx.canLogIn(current)).toBe(true);
}

async function expectRetryCompletes(
  fx: RotationFixture,
  token: string,
  originalVersion: string,
): Promise<void> {
  // Secrets Manager retries a failed rotation by invoking the steps again with the same token.
  await fx.runSteps(token);
  const current = await fx.secretAt(AWSCURRENT);
  expect(current.versionId).toBe(token);
  expect(current.username).toBe(`${fx.baseUser}_clone`);
  expect(await fx.canLogIn(current)).toBe(true);
  await fx.exerciseGrants(current);
  expect((await fx.secretAt(AWSPREVIOUS)).versionId).toBe(originalVersion);
}

describe('a failure in any step leaves AWSCURRENT working and a retry completes', () => {
  it('createSecret: PutSecretValue fails', async () => {
    const { fx } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    fx.secrets.failNext('putSecretValue', new Error('ThrottlingException: rate exceeded'));

    const token = await rotateUntilFailure(fx, 'createSecret');

    await expectOriginalStillCurrent(fx, original);
    await expect(fx.secrets.getSecretValue(fx.appSecretArn, { versionId: token })).rejects.toThrow(
      "can't find the specified secret value",
    );
    await expectRetryCompletes(fx, token, original);
  });

  it('setSecret: the database is unreachable', async () => {
    const { fx, proxy } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    await proxy.cut();

    await expect(fx.runStep(token, 'setSecret')).rejects.toThrow(/setSecret failed.*ECONNREFUSED/);

    await expectOriginalStillCurrent(fx, original);
    await proxy.open();
    await expectRetryCompletes(fx, token, original);
  });

  it('setSecret: a failure inside the role transaction leaves no half-created clone', async () => {
    let failAlterRole = true;
    const { fx } = await fixtureBehindProxy((connect) => async (credentials, redactor) => {
      const session = await connect(credentials, redactor);
      return {
        ...session,
        query: async (text, values) => {
          if (failAlterRole && text.startsWith('ALTER ROLE')) {
            failAlterRole = false;
            throw new DatabaseError(
              'query failed (SQLSTATE 57P01): terminating connection',
              'SQLSTATE 57P01',
            );
          }
          return session.query(text, values);
        },
      };
    });
    const original = (await fx.secretAt(AWSCURRENT)).versionId;

    const token = await rotateUntilFailure(fx, 'setSecret');

    const cloneRows = await fx.asMaster(
      async (client) =>
        (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${fx.baseUser}_clone`])).rows,
    );
    expect(cloneRows).toEqual([]);
    await expectOriginalStillCurrent(fx, original);
    await expectRetryCompletes(fx, token, original);
  });

  it('testSecret: the database is unreachable', async () => {
    const { fx, proxy } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    await fx.runStep(token, 'setSecret');
    await proxy.cut();

    await expect(fx.runStep(token, 'testSecret')).rejects.toThrow(/testSecret failed.*ECONNREFUSED/);

    await expectOriginalStillCurrent(fx, original);
    await proxy.open();
    await expectRetryCompletes(fx, token, original);
  });

  it('finishSecret: UpdateSecretVersionStage fails; no new rotation can start until this one completes', async () => {
    const { fx } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    fx.secrets.failNext('updateSecretVersionStage', new Error('InternalServiceError'));

    const token = await rotateUntilFailure(fx, 'finishSecret');

    await expectOriginalStillCurrent(fx, original);
    expect((await fx.stages())[token]).toEqual([AWSPENDING]);
    expect(() => fx.startRotation()).toThrow("A previous rotation isn't complete");
    await expectRetryCompletes(fx, token, original);
    expect(() => fx.startRotation()).not.toThrow();
  });

  it('a failure in the preamble (DescribeSecret) changes nothing and the retry completes', async () => {
    const { fx } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    fx.secrets.failNext('describeSecret', new Error('network timeout'));

    const token = await rotateUntilFailure(fx, 'createSecret');

    await expectOriginalStillCurrent(fx, original);
    await expectRetryCompletes(fx, token, original);
  });
});

describe('every step is idempotent', () => {
  it('running each step twice stores one pending value, sets the password once and completes', async () => {
    const { fx } = await fixtureBehindProxy();
    const original = (await fx.secretAt(AWSCURRENT)).versionId;
    const token = fx.startRotation();
    for (const step of STEPS) {
      await fx.runStep(token, step);
      const pending = await fx.secrets.getSecretValue(fx.appSecretArn, { versionId: token });
      await fx.runStep(token, step);
      const again = await fx.secrets.getSecretValue(fx.appSecretArn, { versionId: token });
      expect(again.secretString).toBe(pending.secretString);
    }
    const puts = fx.secrets.calls.filter((c) => c.operation === 'putSecretValue');
    expect(puts).toHaveLength(1);
    const moves = fx.secrets.calls.filter((c) => c.operation === 'updateSecretVersionStage');
    expect(moves).toHaveLength(1);
    expect(fx.logLines.some((l) => l.includes('pending credentials already work'))).toBe(true);
    expect((await fx.secretAt(AWSCURRENT)).versionId).toBe(token);
    expect((await fx.secretAt(AWSPREVIOUS)).versionId).toBe(original);
  });
});
