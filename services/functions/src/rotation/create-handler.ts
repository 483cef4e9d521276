import type { SecretsManager } from '../secrets-manager/secrets-manager.js';
import type { IamTokenSigner } from './context.js';
import type { ConnectDatabase } from './database.js';
import { createJsonLogger, type LineWriter } from './logger.js';
import { Redactor } from './redactor.js';
import { rotate, type RotationEvent } from './rotate.js';

export interface RotationHandlerOptions {
  readonly secrets: SecretsManager;
  readonly connect: ConnectDatabase;
  /** Signs IAM tokens for the application users' login checks (ADR 0049). @default - password logins */
  readonly iamToken?: IamTokenSigner;
  /** Where JSON log lines go. @default console.log */
  readonly writeLog?: LineWriter;
}

/** A Lambda handler; each invocation gets its own redactor, so secrets never outlive the invocation. */
export function createRotationHandler(
  options: RotationHandlerOptions,
): (event: RotationEvent) => Promise<void> {
  return async (event) => {
    const redactor = new Redactor();
    const logger = createJsonLogger(redactor, options.writeLog);
    await rotate(event, {
      secrets: options.secrets,
      connect: options.connect,
      logger,
      redactor,
      ...(options.iamToken ? { iamToken: options.iamToken } : {}),
    });
  };
}
