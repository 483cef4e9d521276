import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { AWSCURRENT, AWSPENDING } from '../../src/secrets-manager/secrets-manager.js';
import type { IamTokenSigner } from '../../src/rotation/context.js';
import { createRotationHandler } from '../../src/rotation/create-handler.js';
import { pgConnector, type ConnectDatabase } from '../../src/rotation/database.js';
import type { DatabaseSecret } from '../../src/rotation/database-secret.js';
import { FakeSecretsManager } from './fake-secrets-manager.js';
import type { TempPostgres } from './temp-postgres.js';

export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type StepName = (typeof STEPS)[number];

export interface Login {
  readonly username: string;
  readonly password: string;
}

/**
 * One isolated tenant on the temporary cluster: its own database, an RDS-like master (CREATEROLE, not
 * superuser) and an application user with privileges on a table, plus the two secrets in a fake
 * Secrets Manager — the setup the data stack creates in AWS.
 */
export class RotationFixture {
  readonly logLines: string[] = [];
  readonly secrets = new FakeSecretsManager();
  readonly handler: (event: { SecretId: string; ClientRequestToken: string; Step: string }) => Promise<void>;
  appSecretArn = '';
  masterSecretArn = '';
  readonly initialPassword = strongPassword();
  private readonly masterPassword = strongPassword();

  private constructor(
    readonly db: TempPostgres,
    readonly dbname: string,
    readonly baseUser: string,
    readonly masterUser: string,
    connect: ConnectDatabase,
    iamToken: IamTokenSigner | undefined,
  ) {
    this.handler = createRotationHandler({
      secrets: this.secrets,
      connect,
      writeLog: (line) => this.logLines.push(line),
      ...(iamToken ? { iamToken } : {}),
    });
  }

  /**
   * @param wrapConnect lets a test put a failure between the function and the database.
   * @param port the port written into the application secret (e.g. a cuttable proxy in front of the cluster).
   */
  static async create(
    options: {
      wrapConnect?: (connect: ConnectDatabase) => ConnectDatabase;
      port?: number;
      /**
       * How the base role starts: `login` with the secret's first password (a migrated, working system), or
       * `nologin` without password — the state the data stack's bootstrap leaves before the first rotation.
       * @default 'login'
       */
      baseRole?: 'login' | 'nologin';
      /** Given to the handler: the application users' login checks use its tokens (IAM logins). */
      iamToken?: IamTokenSigner;
    } = {},
  ): Promise<RotationFixture> {
    const db = inject('tempPostgres');
    const suffix = randomBytes(4).toString('hex');
    const connect = pgConnector({ mode: 'verify-full', ca: db.caPem }, { connectTimeoutMs: 5_000 });
    const fixture = new RotationFixture(
      db,
      `fn_rot_${suffix}`,
      `payments_${suffix}`,
      `master_${suffix}`,
      options.wrapConnect ? options.wrapConnect(connect) : connect,
      options.iamToken,
    );
    await fixture.bootstrap(options.port ?? db.port, options.baseRole ?? 'login');
    return fixture;
  }

  private async bootstrap(appPort: number, baseRole: 'login' | 'nologin'): Promise<void> {
    const { db, dbname, baseUser, masterUser } = this;
    await withSuperuser(db, 'postgres', async (client) => {
      await client.query(
        `CREATE ROLE ${masterUser} LOGIN CREATEROLE PASSWORD ${client.escapeLiteral(this.masterPassword)}`,
      );
      await client.query(`CREATE DATABASE ${dbname} OWNER ${masterUser}`);
    });
    // As on RDS, the application user and its grants are made by the (non-superuser) master.
    await this.asMaster(async (client) => {
      await client.query(
        baseRole === 'login'
          ? `CREATE ROLE ${baseUser} LOGIN PASSWORD ${client.escapeLiteral(this.initialPassword)}`
          : `CREATE ROLE ${baseUser} NOLOGIN`,
      );
      await client.query('CREATE TABLE ledger_probe (id serial PRIMARY KEY, note text NOT NULL)');
      await client.query(`GRANT SELECT, INSERT ON ledger_probe TO ${baseUser}`);
      await client.query(`GRANT USAGE ON SEQUENCE ledger_probe_id_seq TO ${baseUser}`);
    });
    this.masterSecretArn = this.secrets.createSecret(
      `rds!cluster-${dbname}`,
      JSON.stringify({ username: masterUser, password: this.masterPassword }),
      { rotationEnabled: false },
    );
    const appSecret: DatabaseSecret = {
      engine: 'postgres',
      host: db.host,
      port: appPort,
      dbname,
      username: baseUser,
      password: this.initialPassword,
      masterarn: this.masterSecretArn,
      ssl: true,
    };
    this.appSecretArn = this.secrets.createSecret(`tessera/${dbname}/app`, JSON.stringify(appSecret));
  }

  async asMaster<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    return withClient(
      this.db,
      this.dbname,
      { username: this.masterUser, password: this.masterPassword },
      work,
    );
  }

  /** Starts a rotation like RotateSecret does and returns its token. */
  startRotation(): string {
    return this.secrets.rotateSecret(this.appSecretArn);
  }

  async runStep(token: string, step: StepName): Promise<void> {
    await this.handler({ SecretId: this.appSecretArn, ClientRequestToken: token, Step: step });
  }

  /** The four steps in order, as Secrets Manager invokes them. */
  async runSteps(token: string): Promise<void> {
    for (const step of STEPS) await this.runStep(token, step);
  }

  async rotate(): Promise<string> {
    const token = this.startRotation();
    await this.runSteps(token);
    return token;
  }

  async secretAt(stage: string): Promise<DatabaseSecret & { versionId: string }> {
    const value = await this.secrets.getSecretValue(this.appSecretArn, { versionStage: stage });
    return { ...(JSON.parse(value.secretString) as DatabaseSecret), versionId: value.versionId };
  }

  async stages(): Promise<Readonly<Record<string, readonly string[]>>> {
    return (await this.secrets.describeSecret(this.appSecretArn)).versionIdsToStages;
  }

  /** True if the login succeeds; false only for "wrong password" (28P01) — anything else is thrown. */
  async canLogIn(login: Login): Promise<boolean> {
    try {
      await withClient(this.db, this.dbname, login, (client) => client.query('SELECT 1'));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '28P01') return false;
      throw error;
    }
  }

  /** Proves the login holds the application privileges: writes and reads the probe table. */
  async exerciseGrants(login: Login): Promise<void> {
    await withClient(this.db, this.dbname, login, async (client) => {
      await client.query('INSERT INTO ledger_probe (note) VALUES ($1)', [`written by ${login.username}`]);
      await client.query('SELECT count(*) FROM ledger_probe');
    });
  }

  /** Every secret value this fixture knows of (for "never logged" assertions). */
  async allPasswords(): Promise<string[]> {
    return [this.initialPassword, this.masterPassword, ...(await this.rotatedPasswords())];
  }

  /** The passwords the rotation function generated (the fixture's own setup SQL never saw these). */
  async rotatedPasswords(): Promise<string[]> {
    const passwords = new Set<string>();
    for (const versionId of this.secrets.listVersionIds(this.appSecretArn, { includeDeprecated: true })) {
      try {
        const value = await this.secrets.getSecretValue(this.appSecretArn, { versionId });
        const { password } = JSON.parse(value.secretString) as DatabaseSecret;
        if (password !== this.initialPassword) passwords.add(password);
      } catch {
        // an empty version (rotation started, no value yet) has no password
      }
    }
    return [...passwords];
  }
}

export { AWSCURRENT, AWSPENDING };

export async function withClient<T>(
  db: TempPostgres,
  dbname: string,
  login: Login,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: db.host,
    port: db.port,
    database: dbname,
    user: login.username,
    password: login.password,
    ssl: { rejectUnauthorized: true, ca: db.caPem },
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function withSuperuser<T>(
  db: TempPostgres,
  dbname: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ host: db.socketDir, port: db.port, database: dbname, user: db.superuser });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function strongPassword(): string {
  return `Init-${randomBytes(18).toString('base64url')}`;
}
