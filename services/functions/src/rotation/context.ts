import { AWSCURRENT, AWSPENDING, type SecretsManager } from '../secrets-manager/secrets-manager.js';
import type { ConnectDatabase, DatabaseSession } from './database.js';
import {
  parseDatabaseSecret,
  parseMasterSecret,
  type DatabaseSecret,
  type MasterSecret,
} from './database-secret.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redactor.js';

/** Everything one step needs: the secret being rotated, the token, and the adapters. */
export interface StepContext {
  readonly arn: string;
  readonly token: string;
  readonly secrets: SecretsManager;
  readonly connect: ConnectDatabase;
  readonly logger: Logger;
  readonly redactor: Redactor;
}

export type Step = (context: StepContext) => Promise<void>;

export async function readCurrent(context: StepContext): Promise<DatabaseSecret> {
  const value = await context.secrets.getSecretValue(context.arn, { versionStage: AWSCURRENT });
  return remembered(context, parseDatabaseSecret(value.secretString, 'AWSCURRENT secret'));
}

/** The AWSPENDING value of this rotation's token; throws ResourceNotFoundException if not stored yet. */
export async function readPending(context: StepContext): Promise<DatabaseSecret> {
  const value = await context.secrets.getSecretValue(context.arn, {
    versionId: context.token,
    versionStage: AWSPENDING,
  });
  return remembered(context, parseDatabaseSecret(value.secretString, 'AWSPENDING secret'));
}

export async function readMaster(context: StepContext, masterArn: string): Promise<MasterSecret> {
  const value = await context.secrets.getSecretValue(masterArn, { versionStage: AWSCURRENT });
  const master = parseMasterSecret(value.secretString, 'master secret');
  context.redactor.remember(master.password);
  return master;
}

export function connectAs(
  context: StepContext,
  target: Pick<DatabaseSecret, 'host' | 'port' | 'dbname'>,
  login: Pick<DatabaseSecret, 'username' | 'password'>,
): Promise<DatabaseSession> {
  return context.connect(
    {
      host: target.host,
      port: target.port,
      dbname: target.dbname,
      username: login.username,
      password: login.password,
    },
    context.redactor,
  );
}

function remembered(context: StepContext, secret: DatabaseSecret): DatabaseSecret {
  context.redactor.remember(secret.password);
  return secret;
}
