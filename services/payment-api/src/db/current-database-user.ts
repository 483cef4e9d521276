import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Tells which database user name the service must log in with right now. */
export interface CurrentDatabaseUser {
  read(): Promise<string>;
}

/**
 * The `username` field of the application user's secret (AWSCURRENT). It alternates between the base role
 * and its clone at every rotation (ADR 0002); the password in the secret is never used by the service.
 */
export class SecretsManagerDatabaseUser implements CurrentDatabaseUser {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  async read(): Promise<string> {
    const out = await this.client.send(
      new GetSecretValueCommand({ SecretId: this.secretArn, VersionStage: 'AWSCURRENT' }),
    );
    // Never quote the secret string in an error: it also holds the password.
    let parsed: unknown;
    try {
      parsed = JSON.parse(out.SecretString ?? '');
    } catch {
      throw new Error(`database secret ${this.secretArn} is not a JSON object`);
    }
    const username =
      typeof parsed === 'object' && parsed !== null && 'username' in parsed ? parsed.username : undefined;
    if (typeof username !== 'string' || username === '') {
      throw new Error(`database secret ${this.secretArn} has no "username" field`);
    }
    return username;
  }
}
