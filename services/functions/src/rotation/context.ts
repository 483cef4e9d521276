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

/**
 * Signs an RDS IAM authentication token for `username` at `host:port` (the password of one login). Users that
 * hold `rds_iam` cannot log in with a password any more, so their checks log in with a token instead.
 */
export type IamTokenSigner = (login: {
  readonly host: string;
  readonly port: number;
  readonly username: string;
}) => Promise<string>;

/** Everything one step needs: the secret being rotated, the token, and the adapters. */
export interface StepContext {
  readonly arn: string;
  readonly token: string;
  readonly secrets: SecretsManager;
  readonly connect: ConnectDatabase;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /**
   * Set when the application users log in with IAM (no RDS Proxy in front, ADR 0049): the login checks of
   * setSecret and testSecret then use a token for the user instead of its password.
   */
  readonly iamToken?: IamTokenSigner;
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

/** A session as the application user of `secret`: with its password, or with an IAM token when configured. */
export async function connectAsUser(context: StepContext, secret: DatabaseSecret): Promise<DatabaseSession> {
  if (context.iamToken === undefined) return connectAs(context, secret, secret);
  const token = await context.iamToken({ host: secret.host, port: secret.port, username: secret.username });
  context.redactor.remember(token);
  return connectAs(context, secret, { username: secret.username, password: token });
}
