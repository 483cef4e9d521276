import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  SecretsManagerError,
  type GetSecretValueOptions,
  type PutSecretValueInput,
  type RandomPasswordOptions,
  type SecretDescription,
  type SecretsManager,
  type SecretsManagerErrorCode,
  type SecretValue,
  type UpdateSecretVersionStageInput,
} from './secrets-manager.js';

const KNOWN_CODES: ReadonlySet<string> = new Set<SecretsManagerErrorCode>([
  'ResourceNotFoundException',
  'ResourceExistsException',
  'InvalidRequestException',
  'InvalidParameterException',
]);

/** Secrets Manager through the AWS SDK v3. SDK errors are re-thrown as {@link SecretsManagerError}. */
export class AwsSecretsManager implements SecretsManager {
  constructor(private readonly client: SecretsManagerClient) {}

  async describeSecret(secretId: string): Promise<SecretDescription> {
    const out = await this.call(() => this.client.send(new DescribeSecretCommand({ SecretId: secretId })));
    return {
      arn: required(out.ARN, 'DescribeSecret.ARN'),
      name: required(out.Name, 'DescribeSecret.Name'),
      rotationEnabled: out.RotationEnabled === true,
      versionIdsToStages: out.VersionIdsToStages ?? {},
    };
  }

  async getSecretValue(secretId: string, options: GetSecretValueOptions = {}): Promise<SecretValue> {
    const out = await this.call(() =>
      this.client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionId: options.versionId,
          VersionStage: options.versionStage,
        }),
      ),
    );
    return {
      arn: required(out.ARN, 'GetSecretValue.ARN'),
      versionId: required(out.VersionId, 'GetSecretValue.VersionId'),
      versionStages: out.VersionStages ?? [],
      secretString: required(out.SecretString, 'GetSecretValue.SecretString'),
    };
  }

  async putSecretValue(input: PutSecretValueInput): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutSecretValueCommand({
          SecretId: input.secretId,
          ClientRequestToken: input.clientRequestToken,
          SecretString: input.secretString,
          VersionStages: [...input.versionStages],
        }),
      ),
    );
  }

  async updateSecretVersionStage(input: UpdateSecretVersionStageInput): Promise<void> {
    await this.call(() =>
      this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: input.secretId,
          VersionStage: input.versionStage,
          MoveToVersionId: input.moveToVersionId,
          RemoveFromVersionId: input.removeFromVersionId,
        }),
      ),
    );
  }

  async getRandomPassword(options: RandomPasswordOptions): Promise<string> {
    const out = await this.call(() =>
      this.client.send(
        new GetRandomPasswordCommand({
          PasswordLength: options.passwordLength,
          ExcludeCharacters: options.excludeCharacters,
          IncludeSpace: options.includeSpace,
          RequireEachIncludedType: options.requireEachIncludedType,
        }),
      ),
    );
    return required(out.RandomPassword, 'GetRandomPassword.RandomPassword');
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toSecretsManagerError(error);
    }
  }
}

/**
 * Keeps only the error name and message. The SDK exception also carries `$response`/`$metadata`, which we do
 * not want to travel into logs.
 */
function toSecretsManagerError(error: unknown): SecretsManagerError {
  if (error instanceof SecretsManagerError) return error;
  if (error instanceof SecretsManagerServiceException) {
    const code = KNOWN_CODES.has(error.name) ? (error.name as SecretsManagerErrorCode) : 'ServiceError';
    return new SecretsManagerError(code, `${error.name}: ${error.message}`);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return new SecretsManagerError('ServiceError', `secrets manager call failed: ${message}`);
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new SecretsManagerError('ServiceError', `response is missing ${field}`);
  return value;
}
