import { AWSCURRENT } from '../secrets-manager/secrets-manager.js';
import type { StepContext } from './context.js';

/**
 * finishSecret: move AWSCURRENT onto the token's version. Secrets Manager then labels the old version
 * AWSPREVIOUS itself. Already current → nothing to do.
 */
export async function finishSecret(context: StepContext): Promise<void> {
  const description = await context.secrets.describeSecret(context.arn);
  const currentVersion = Object.entries(description.versionIdsToStages).find(([, stages]) =>
    stages.includes(AWSCURRENT),
  )?.[0];
  if (currentVersion === context.token) {
    context.logger.info('finishSecret: version already AWSCURRENT', { versionId: context.token });
    return;
  }
  await context.secrets.updateSecretVersionStage({
    secretId: context.arn,
    versionStage: AWSCURRENT,
    moveToVersionId: context.token,
    ...(currentVersion === undefined ? {} : { removeFromVersionId: currentVersion }),
  });
  context.logger.info('finishSecret: AWSCURRENT moved to the new version', {
    versionId: context.token,
  });
}
