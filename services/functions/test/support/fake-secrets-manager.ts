import { randomInt, randomUUID } from 'node:crypto';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  SecretsManagerError,
  type GetSecretValueOptions,
  type PutSecretValueInput,
  type RandomPasswordOptions,
  type SecretDescription,
  type SecretsManager,
  type SecretValue,
  type UpdateSecretVersionStageInput,
} from '../../src/secrets-manager/secrets-manager.js';

interface Version {
  readonly id: string;
  /** Undefined for the empty version RotateSecret creates before createSecret stores a value. */
  value: string | undefined;
  readonly stages: Set<string>;
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  rotationEnabled: boolean;
  readonly versions: Map<string, Version>;
}

type Operation = keyof SecretsManager;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * In-process Secrets Manager that enforces the staging-label rules the real service enforces:
 * - every label sits on at most one version; exactly one version holds AWSCURRENT;
 * - moving AWSCURRENT moves AWSPREVIOUS onto the version that held AWSCURRENT;
 * - UpdateSecretVersionStage needs RemoveFromVersionId (naming the right version) when the label is attached
 *   to another version;
 * - PutSecretValue with an existing token is idempotent for the same value, ResourceExistsException otherwise;
 * - versions left without labels are deprecated (DescribeSecret no longer lists them);
 * - GetSecretValue for a label/version that does not exist (or holds no value yet) → ResourceNotFoundException;
 * - RotateSecret refuses to start while AWSPENDING sits on a version other than AWSCURRENT.
 */
export class FakeSecretsManager implements SecretsManager {
  private readonly secrets = new Map<string, Secret>();
  private readonly faults = new Map<Operation, Error[]>();
  /** Every call, in order, for assertions (operation and secret id only, never values). */
  readonly calls: { operation: Operation; secretId?: string }[] = [];

  constructor(private readonly accountArnPrefix = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:') {}

  /** Creates a secret whose first version holds AWSCURRENT. Returns the ARN. */
  createSecret(name: string, secretString: string, options: { rotationEnabled?: boolean } = {}): string {
    const arn = `${this.accountArnPrefix}${name}-${randomUUID().slice(0, 6)}`;
    const versionId = randomUUID();
    const secret: Secret = {
      arn,
      name,
      rotationEnabled: options.rotationEnabled ?? true,
      versions: new Map([[versionId, { id: versionId, value: secretString, stages: new Set([AWSCURRENT]) }]]),
    };
    this.secrets.set(arn, secret);
    return arn;
  }

  /**
   * Starts a rotation the way RotateSecret does: a new, empty version labelled AWSPENDING whose id is the token
   * handed to the rotation function.
   */
  rotateSecret(secretId: string, clientRequestToken: string = randomUUID()): string {
    const secret = this.find(secretId);
    if (!secret.rotationEnabled) {
      throw new SecretsManagerError('InvalidRequestException', 'rotation is not configured for this secret');
    }
    const pending = this.holder(secret, AWSPENDING);
    const current = this.holder(secret, AWSCURRENT);
    if (pending && pending !== current) {
      throw new SecretsManagerError(
        'InvalidRequestException',
        "A previous rotation isn't complete. That rotation will be reattempted.",
      );
    }
    if (secret.versions.has(clientRequestToken)) {
      throw new SecretsManagerError('ResourceExistsException', 'a version with this token already exists');
    }
    secret.versions.set(clientRequestToken, { id: clientRequestToken, value: undefined, stages: new Set() });
    this.attach(secret, AWSPENDING, clientRequestToken);
    return clientRequestToken;
  }

  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.find(secretId).rotationEnabled = enabled;
  }

  /** Makes the next call of `operation` throw `error` (queued: call repeatedly for several failures). */
  failNext(operation: Operation, error: Error = new Error(`injected ${operation} failure`)): void {
    const queue = this.faults.get(operation) ?? [];
    queue.push(error);
    this.faults.set(operation, queue);
  }

  /** Version ids, including deprecated ones (ListSecretVersionIds with IncludeDeprecated). */
  listVersionIds(secretId: string, options: { includeDeprecated: boolean }): string[] {
    const versions = [...this.find(secretId).versions.values()];
    return versions.filter((v) => options.includeDeprecated || v.stages.size > 0).map((v) => v.id);
  }

  async describeSecret(secretId: string): Promise<SecretDescription> {
    this.enter('describeSecret', secretId);
    const secret = this.find(secretId);
    const versionIdsToStages: Record<string, string[]> = {};
    for (const version of secret.versions.values()) {
      if (version.stages.size > 0) versionIdsToStages[version.id] = [...version.stages];
    }
    return {
      arn: secret.arn,
      name: secret.name,
      rotationEnabled: secret.rotationEnabled,
      versionIdsToStages,
    };
  }

  async getSecretValue(secretId: string, options: GetSecretValueOptions = {}): Promise<SecretValue> {
    this.enter('getSecretValue', secretId);
    const secret = this.find(secretId);
    const stage = options.versionStage ?? (options.versionId === undefined ? AWSCURRENT : undefined);
    let version: Version | undefined;
    if (options.versionId !== undefined) {
      version = secret.versions.get(options.versionId);
      if (version && stage !== undefined && !version.stages.has(stage)) version = undefined;
    } else if (stage !== undefined) {
      version = this.holder(secret, stage);
    }
    if (!version || version.value === undefined) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${options.versionId ?? '-'} and staging label: ${stage ?? '-'}`,
      );
    }
    return {
      arn: secret.arn,
      versionId: version.id,
      versionStages: [...version.stages],
      secretString: version.value,
    };
  }

  async putSecretValue(input: PutSecretValueInput): Promise<void> {
    this.enter('putSecretValue', input.secretId);
    const secret = this.find(input.secretId);
    const existing = secret.versions.get(input.clientRequestToken);
    if (existing?.value !== undefined) {
      if (existing.value !== input.secretString) {
        throw new SecretsManagerError(
          'ResourceExistsException',
          'You can’t modify an existing version, you can only create new versions.',
        );
      }
      return;
    }
    const version = existing ?? { id: input.clientRequestToken, value: undefined, stages: new Set<string>() };
    version.value = input.secretString;
    secret.versions.set(version.id, version);
    const stages = input.versionStages.length > 0 ? input.versionStages : [AWSCURRENT];
    for (const stage of stages) this.attach(secret, stage, version.id);
  }

  async updateSecretVersionStage(input: UpdateSecretVersionStageInput): Promise<void> {
    this.enter('updateSecretVersionStage', input.secretId);
    const secret = this.find(input.secretId);
    const { versionStage: stage, moveToVersionId: moveTo, removeFromVersionId: removeFrom } = input;
    const holder = this.holder(secret, stage);
    if (moveTo !== undefined && !secret.versions.has(moveTo)) {
      throw new SecretsManagerError('ResourceNotFoundException', `version ${moveTo} does not exist`);
    }
    if (removeFrom !== undefined && holder?.id !== removeFrom) {
      throw new SecretsManagerError(
        'InvalidParameterException',
        `The staging label ${stage} is not attached to version ${removeFrom}`,
      );
    }
    if (moveTo === undefined) {
      if (removeFrom === undefined) {
        throw new SecretsManagerError(
          'InvalidParameterException',
          'specify MoveToVersionId or RemoveFromVersionId',
        );
      }
      if (stage === AWSCURRENT) {
        throw new SecretsManagerError(
          'InvalidParameterException',
          'AWSCURRENT cannot be removed, only moved',
        );
      }
      holder?.stages.delete(stage);
      return;
    }
    if (holder && holder.id !== moveTo && removeFrom === undefined) {
      throw new SecretsManagerError(
        'InvalidParameterException',
        `The staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    this.attach(secret, stage, moveTo);
  }

  async getRandomPassword(options: RandomPasswordOptions): Promise<string> {
    this.enter('getRandomPassword');
    if (
      !Number.isInteger(options.passwordLength) ||
      options.passwordLength < 1 ||
      options.passwordLength > 4096
    ) {
      throw new SecretsManagerError('InvalidParameterException', 'PasswordLength must be between 1 and 4096');
    }
    const excluded = new Set(options.excludeCharacters);
    const classes = [LOWER, UPPER, DIGITS, PUNCTUATION, options.includeSpace ? ' ' : '']
      .map((chars) => [...chars].filter((c) => !excluded.has(c)).join(''))
      .filter((chars) => chars.length > 0);
    const alphabet = classes.join('');
    if (alphabet.length === 0) {
      throw new SecretsManagerError('InvalidParameterException', 'every character is excluded');
    }
    for (;;) {
      let password = '';
      for (let i = 0; i < options.passwordLength; i += 1) password += alphabet[randomInt(alphabet.length)];
      const complete = classes.every((chars) => [...password].some((c) => chars.includes(c)));
      if (!options.requireEachIncludedType || complete || options.passwordLength < classes.length) {
        return password;
      }
    }
  }

  private enter(operation: Operation, secretId?: string): void {
    this.calls.push({ operation, secretId });
    const fault = this.faults.get(operation)?.shift();
    if (fault) throw fault;
  }

  private find(secretId: string): Secret {
    const secret = this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.name === secretId);
    if (!secret) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }

  private holder(secret: Secret, stage: string): Version | undefined {
    return [...secret.versions.values()].find((v) => v.stages.has(stage));
  }

  /** Moves `stage` onto `versionId`; AWSCURRENT drags AWSPREVIOUS onto the version it leaves. */
  private attach(secret: Secret, stage: string, versionId: string): void {
    const target = secret.versions.get(versionId);
    if (!target) throw new Error(`fake invariant: version ${versionId} missing`);
    const holder = this.holder(secret, stage);
    if (holder === target) return;
    holder?.stages.delete(stage);
    target.stages.add(stage);
    if (stage === AWSCURRENT && holder) {
      this.holder(secret, AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
      holder.stages.add(AWSPREVIOUS);
      target.stages.delete(AWSPREVIOUS);
    }
  }
}
