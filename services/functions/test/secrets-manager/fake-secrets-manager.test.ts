import { describe, expect, it } from 'vitest';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  SecretsManagerError,
} from '../../src/secrets-manager/secrets-manager.js';
import { FakeSecretsManager } from '../support/fake-secrets-manager.js';

const V2 = '22222222-2222-4222-8222-222222222222';
const V3 = '33333333-3333-4333-8333-333333333333';

function setup(): { sm: FakeSecretsManager; arn: string; v1: string } {
  const sm = new FakeSecretsManager();
  const arn = sm.createSecret('app', 'one');
  const v1 = sm.listVersionIds(arn, { includeDeprecated: false })[0]!;
  return { sm, arn, v1 };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecretsManagerError) return error.code;
    throw error;
  }
  return 'no error';
}

function stageHolders(stages: Readonly<Record<string, readonly string[]>>, stage: string): string[] {
  return Object.entries(stages)
    .filter(([, labels]) => labels.includes(stage))
    .map(([id]) => id);
}

describe('FakeSecretsManager enforces the service’s staging-label rules', () => {
  it('a new secret has exactly one version, labelled AWSCURRENT, found by name or ARN', async () => {
    const { sm, arn, v1 } = setup();
    expect((await sm.describeSecret('app')).versionIdsToStages).toEqual({ [v1]: [AWSCURRENT] });
    expect((await sm.getSecretValue(arn)).secretString).toBe('one');
    expect(await codeOf(sm.describeSecret('missing'))).toBe('ResourceNotFoundException');
  });

  it('putting a value with AWSCURRENT moves AWSPREVIOUS to the old current; exactly one AWSCURRENT', async () => {
    const { sm, arn, v1 } = setup();
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: V2,
      secretString: 'two',
      versionStages: [AWSCURRENT],
    });
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: V3,
      secretString: 'three',
      versionStages: [],
    });
    const stages = (await sm.describeSecret(arn)).versionIdsToStages;
    expect(stageHolders(stages, AWSCURRENT)).toEqual([V3]);
    expect(stageHolders(stages, AWSPREVIOUS)).toEqual([V2]);
    // v1 lost its last label: deprecated, no longer listed, still readable by id until the service deletes it.
    expect(stages[v1]).toBeUndefined();
    expect(sm.listVersionIds(arn, { includeDeprecated: true })).toContain(v1);
    expect((await sm.getSecretValue(arn, { versionId: v1 })).secretString).toBe('one');
  });

  it('a label sits on at most one version: a second AWSPENDING moves the label', async () => {
    const { sm, arn } = setup();
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: V2,
      secretString: 'two',
      versionStages: [AWSPENDING],
    });
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: V3,
      secretString: 'three',
      versionStages: [AWSPENDING],
    });
    const stages = (await sm.describeSecret(arn)).versionIdsToStages;
    expect(stageHolders(stages, AWSPENDING)).toEqual([V3]);
    expect(stages[V2]).toBeUndefined();
  });

  it('PutSecretValue with an existing token is idempotent for the same value and refused for another', async () => {
    const { sm, arn } = setup();
    const put = (secretString: string) =>
      sm.putSecretValue({ secretId: arn, clientRequestToken: V2, secretString, versionStages: [AWSPENDING] });
    await put('two');
    await put('two');
    expect(await codeOf(put('different'))).toBe('ResourceExistsException');
    expect((await sm.getSecretValue(arn, { versionId: V2 })).secretString).toBe('two');
  });

  it('GetSecretValue on a missing stage, a mismatched id/stage or an empty version is ResourceNotFound', async () => {
    const { sm, arn, v1 } = setup();
    expect(await codeOf(sm.getSecretValue(arn, { versionStage: AWSPENDING }))).toBe(
      'ResourceNotFoundException',
    );
    expect(await codeOf(sm.getSecretValue(arn, { versionId: v1, versionStage: AWSPENDING }))).toBe(
      'ResourceNotFoundException',
    );
    const token = sm.rotateSecret(arn);
    expect((await sm.describeSecret(arn)).versionIdsToStages[token]).toEqual([AWSPENDING]);
    expect(await codeOf(sm.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING }))).toBe(
      'ResourceNotFoundException',
    );
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: token,
      secretString: 'next',
      versionStages: [AWSPENDING],
    });
    expect((await sm.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING })).secretString).toBe(
      'next',
    );
  });

  it('UpdateSecretVersionStage requires RemoveFromVersionId naming the current holder', async () => {
    const { sm, arn, v1 } = setup();
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: V2,
      secretString: 'two',
      versionStages: [AWSPENDING],
    });
    const move = (removeFromVersionId?: string) =>
      sm.updateSecretVersionStage({
        secretId: arn,
        versionStage: AWSCURRENT,
        moveToVersionId: V2,
        ...(removeFromVersionId ? { removeFromVersionId } : {}),
      });
    expect(await codeOf(move())).toBe('InvalidParameterException');
    expect(await codeOf(move(V3))).toBe('InvalidParameterException');
    await move(v1);
    const stages = (await sm.describeSecret(arn)).versionIdsToStages;
    expect(stages[V2]).toEqual(expect.arrayContaining([AWSCURRENT, AWSPENDING]));
    expect(stages[v1]).toEqual([AWSPREVIOUS]);
  });

  it('AWSCURRENT can be moved but never removed; other labels can be removed', async () => {
    const { sm, arn, v1 } = setup();
    expect(
      await codeOf(
        sm.updateSecretVersionStage({ secretId: arn, versionStage: AWSCURRENT, removeFromVersionId: v1 }),
      ),
    ).toBe('InvalidParameterException');
    const token = sm.rotateSecret(arn);
    await sm.updateSecretVersionStage({
      secretId: arn,
      versionStage: AWSPENDING,
      removeFromVersionId: token,
    });
    expect((await sm.describeSecret(arn)).versionIdsToStages).toEqual({ [v1]: [AWSCURRENT] });
    expect(
      await codeOf(
        sm.updateSecretVersionStage({ secretId: arn, versionStage: AWSCURRENT, moveToVersionId: 'nope' }),
      ),
    ).toBe('ResourceNotFoundException');
  });

  it('RotateSecret refuses while AWSPENDING is on another version than AWSCURRENT', async () => {
    const { sm, arn, v1 } = setup();
    const token = sm.rotateSecret(arn);
    expect(() => sm.rotateSecret(arn)).toThrow("A previous rotation isn't complete");
    await sm.putSecretValue({
      secretId: arn,
      clientRequestToken: token,
      secretString: 'next',
      versionStages: [AWSPENDING],
    });
    await sm.updateSecretVersionStage({
      secretId: arn,
      versionStage: AWSCURRENT,
      moveToVersionId: token,
      removeFromVersionId: v1,
    });
    // AWSPENDING now shares the AWSCURRENT version: a new rotation may start and takes the label over.
    const next = sm.rotateSecret(arn);
    expect(stageHolders((await sm.describeSecret(arn)).versionIdsToStages, AWSPENDING)).toEqual([next]);
  });

  it('RotateSecret needs rotation to be configured', () => {
    const { sm, arn } = setup();
    sm.setRotationEnabled(arn, false);
    expect(() => sm.rotateSecret(arn)).toThrow('rotation is not configured');
  });

  it('GetRandomPassword honours length, exclusions and "each included type"', async () => {
    const { sm } = setup();
    const options = {
      passwordLength: 40,
      excludeCharacters: 'abc!@#',
      includeSpace: false,
      requireEachIncludedType: true,
    };
    for (let i = 0; i < 50; i += 1) {
      const password = await sm.getRandomPassword(options);
      expect(password).toHaveLength(40);
      expect(password).not.toMatch(/[abc!@# ]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
    }
    expect(await codeOf(sm.getRandomPassword({ ...options, passwordLength: 0 }))).toBe(
      'InvalidParameterException',
    );
  });

  it('failNext makes exactly the next call of that operation fail', async () => {
    const { sm, arn } = setup();
    sm.failNext('getSecretValue', new Error('boom'));
    await expect(sm.getSecretValue(arn)).rejects.toThrow('boom');
    await expect(sm.getSecretValue(arn)).resolves.toMatchObject({ secretString: 'one' });
  });
});
