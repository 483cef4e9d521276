/**
 * The small slice of AWS Secrets Manager that rotation needs. The AWS SDK implementation lives in
 * `aws-secrets-manager.ts`; the tests use an in-process fake that models the service's staging-label rules.
 */

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** Error names the service returns and the rotation logic reacts to. */
export type SecretsManagerErrorCode =
  | 'ResourceNotFoundException'
  | 'ResourceExistsException'
  | 'InvalidRequestException'
  | 'InvalidParameterException'
  | 'ServiceError';

/** A service error with the secret material stripped: only the code and the service's own message survive. */
export class SecretsManagerError extends Error {
  override readonly name = 'SecretsManagerError';
  constructor(
    readonly code: SecretsManagerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SecretDescription {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Only versions that carry at least one staging label (the service omits deprecated versions). */
  readonly versionIdsToStages: Readonly<Record<string, readonly string[]>>;
}

export interface SecretValue {
  readonly arn: string;
  readonly versionId: string;
  readonly versionStages: readonly string[];
  readonly secretString: string;
}

export interface GetSecretValueOptions {
  readonly versionId?: string;
  readonly versionStage?: string;
}

export interface PutSecretValueInput {
  readonly secretId: string;
  readonly clientRequestToken: string;
  readonly secretString: string;
  readonly versionStages: readonly string[];
}

export interface UpdateSecretVersionStageInput {
  readonly secretId: string;
  readonly versionStage: string;
  readonly moveToVersionId?: string;
  readonly removeFromVersionId?: string;
}

export interface RandomPasswordOptions {
  readonly passwordLength: number;
  readonly excludeCharacters: string;
  readonly includeSpace: boolean;
  readonly requireEachIncludedType: boolean;
}

export interface SecretsManager {
  describeSecret(secretId: string): Promise<SecretDescription>;
  getSecretValue(secretId: string, options?: GetSecretValueOptions): Promise<SecretValue>;
  putSecretValue(input: PutSecretValueInput): Promise<void>;
  updateSecretVersionStage(input: UpdateSecretVersionStageInput): Promise<void>;
  getRandomPassword(options: RandomPasswordOptions): Promise<string>;
}

export function isSecretsManagerError(error: unknown, code: SecretsManagerErrorCode): boolean {
  return error instanceof SecretsManagerError && error.code === code;
}
