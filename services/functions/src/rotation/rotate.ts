import {
  AWSCURRENT,
  AWSPENDING,
  SecretsManagerError,
  type SecretsManager,
} from '../secrets-manager/secrets-manager.js';
import type { IamTokenSigner, StepContext, Step } from './context.js';
import { createSecret } from './create-secret.js';
import { DatabaseError, type ConnectDatabase } from './database.js';
import { finishSecret } from './finish-secret.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redactor.js';
import { setSecret } from './set-secret.js';
import { testSecret } from './test-secret.js';

/** What Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export interface RotationDependencies {
  readonly secrets: SecretsManager;
  readonly connect: ConnectDatabase;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly iamToken?: IamTokenSigner;
}

const STEPS: Readonly<Record<string, Step>> = { createSecret, setSecret, testSecret, finishSecret };

/** The error a failed invocation ends with: scrubbed message, no cause chain. */
export class RotationError extends Error {
  override readonly name = 'RotationError';
}

export async function rotate(event: RotationEvent, deps: RotationDependencies): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: stepName } = validateEvent(event);
  const fields = { secretArn: secretId, step: stepName, token };
  try {
    // hasOwn: a step named "toString" must not reach Object.prototype.
    const step = Object.hasOwn(STEPS, stepName) ? STEPS[stepName] : undefined;
    if (step === undefined) {
      throw new Error(`unknown step "${stepName}"; allowed: ${Object.keys(STEPS).join(', ')}`);
    }
    const description = await deps.secrets.describeSecret(secretId);
    const context: StepContext = { ...deps, arn: description.arn, token };
    fields.secretArn = description.arn;
    if (!description.rotationEnabled) {
      throw new Error(`rotation is not enabled for secret ${description.arn}`);
    }
    const stages = description.versionIdsToStages[token];
    if (stages === undefined) {
      throw new Error(`token ${token} is not a version of secret ${description.arn}`);
    }
    if (stages.includes(AWSCURRENT)) {
      deps.logger.info('version is already AWSCURRENT; nothing to do', fields);
      return;
    }
    if (!stages.includes(AWSPENDING)) {
      throw new Error(`version ${token} of secret ${description.arn} is not staged AWSPENDING`);
    }
    deps.logger.info('step started', fields);
    await step({ ...context, logger: withFields(deps.logger, fields) });
    deps.logger.info('step finished', fields);
  } catch (error) {
    const message = deps.redactor.scrub(error instanceof Error ? error.message : String(error));
    deps.logger.error('step failed', { ...fields, error: message, errorCode: errorCode(error) });
    throw new RotationError(`${stepName} failed for ${fields.secretArn}: ${message}`);
  }
}

function validateEvent(event: RotationEvent): RotationEvent {
  for (const field of ['SecretId', 'ClientRequestToken', 'Step'] as const) {
    const value: unknown = event?.[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new RotationError(`rotation event: field "${field}" must be a non-empty string`);
    }
  }
  return event;
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof SecretsManagerError || error instanceof DatabaseError) return error.code;
  return undefined;
}

function withFields(logger: Logger, base: Record<string, string>): Logger {
  return {
    info: (message, fields) => logger.info(message, { ...base, ...fields }),
    warn: (message, fields) => logger.warn(message, { ...base, ...fields }),
    error: (message, fields) => logger.error(message, { ...base, ...fields }),
  };
}
