import { AWSPENDING, isSecretsManagerError } from '../secrets-manager/secrets-manager.js';
import { alternateUsername, serializeDatabaseSecret, type DatabaseSecret } from './database-secret.js';
import { readCurrent, readPending, type StepContext } from './context.js';
import { generatePassword } from './password.js';

/**
 * createSecret: store the next credentials as AWSPENDING under the rotation token — the OTHER user of the
 * pair (`app` ↔ `app_clone`) with a fresh password. Re-runs find the stored value and change nothing.
 */
export async function createSecret(context: StepContext): Promise<void> {
  const current = await readCurrent(context);
  try {
    const pending = await readPending(context);
    context.logger.info('createSecret: pending value already stored', { username: pending.username });
    return;
  } catch (error) {
    if (!isSecretsManagerError(error, 'ResourceNotFoundException')) throw error;
  }
  const password = await generatePassword(context);
  const next: DatabaseSecret = { ...current, username: alternateUsername(current.username), password };
  await context.secrets.putSecretValue({
    secretId: context.arn,
    clientRequestToken: context.token,
    secretString: serializeDatabaseSecret(next),
    versionStages: [AWSPENDING],
  });
  context.logger.info('createSecret: stored new pending credentials', { username: next.username });
}
