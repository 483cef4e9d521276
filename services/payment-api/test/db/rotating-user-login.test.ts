import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
// The functions workspace's throw-away cluster: SCRAM password auth over TLS only, so a wrong login is refused
// (the shared server on 127.0.0.1 trusts every password).
import { startTempPostgres, type TempPostgres } from '../../../functions/test/support/temp-postgres.js';
import type { CurrentDatabaseUser } from '../../src/db/current-database-user.js';
import type { AuthTokenProvider } from '../../src/db/iam-auth-token.js';
import { PostgresDatabase } from '../../src/db/postgres.js';
import { RotatingUserLogin } from '../../src/db/rotating-user-login.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/runtime.js';

const BASE = 'tessera_pi_app';
const CLONE = 'tessera_pi_app_clone';
const DATABASE = 'tessera_pi_rotation';
const secret = () => randomBytes(18).toString('base64url');

let cluster: { info: TempPostgres; stop: () => Promise<void> };
/** What the server accepts now: the proxy stand-in. */
const passwords = new Map<string, string>();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({
    host: cluster.info.socketDir,
    port: cluster.info.port,
    user: cluster.info.superuser,
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function setPassword(user: string, password: string): Promise<void> {
  // Sent as a SCRAM verifier would be in production; here the test's own throw-away values.
  await admin(`ALTER ROLE ${user} PASSWORD '${password}'`);
  passwords.set(user, password);
}

/** Secrets Manager stand-in: AWSCURRENT names `username`; counts reads. */
class FakeSecret implements CurrentDatabaseUser {
  reads = 0;
  constructor(public username: string) {}
  async read(): Promise<string> {
    this.reads += 1;
    return this.username;
  }
}

/** Token stand-in: the "token" for a user is the password the server currently holds for it. */
class FakeTokens implements AuthTokenProvider {
  readonly requested: string[] = [];
  readonly issued: string[] = [];
  async token(user: string): Promise<string> {
    this.requested.push(user);
    const token = passwords.get(user) ?? 'unknown-user';
    this.issued.push(token);
    return token;
  }
}

interface Harness {
  db: PostgresDatabase;
  secretUser: FakeSecret;
  tokens: FakeTokens;
  logs: string[];
}

async function open(user: string): Promise<Harness> {
  const logs: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const secretUser = new FakeSecret(user);
  const tokens = new FakeTokens();
  const login = await RotatingUserLogin.start(secretUser, tokens, (previousUser, next) =>
    logger.info({ previousUser, user: next }, 'database user changed by a secret rotation'),
  );
  const db = new PostgresDatabase(
    {
      host: cluster.info.host,
      port: cluster.info.port,
      database: DATABASE,
      max: 4,
      ssl: { ca: cluster.info.caPem, rejectUnauthorized: true },
    },
    login,
  );
  return { db, secretUser, tokens, logs };
}

async function sessionUser(q: { query: PostgresDatabase['query'] }): Promise<string> {
  const { rows } = await q.query<{ u: string }>('SELECT session_user AS u');
  return rows[0]?.u ?? '';
}

beforeAll(async () => {
  cluster = await startTempPostgres();
  await admin(`CREATE DATABASE ${DATABASE}`);
  await admin(`CREATE ROLE ${BASE} LOGIN`);
  await admin(`CREATE ROLE ${CLONE} LOGIN IN ROLE ${BASE}`);
  await setPassword(BASE, secret());
  await setPassword(CLONE, secret());
});

afterAll(async () => {
  await cluster?.stop();
});

describe('RotatingUserLogin with PostgresDatabase (real PostgreSQL, SCRAM over verified TLS)', () => {
  it('after a rotation, new connections log in as the new user; the open one keeps working; no token is logged', async () => {
    const { db, secretUser, tokens, logs } = await open(BASE);
    let rotated!: () => void;
    const rotation = new Promise<void>((resolve) => (rotated = resolve));
    try {
      // One connection opened before the rotation and held across it.
      const held = db.withSession(async (session) => {
        const before = await sessionUser(session);
        await rotation;
        const after = await sessionUser(session);
        return [before, after];
      });
      await expect.poll(() => tokens.requested.length).toBe(1);

      // Rotation: AWSCURRENT now names the clone; the proxy no longer accepts the previous user's login.
      secretUser.username = CLONE;
      await setPassword(CLONE, secret());
      await setPassword(BASE, secret());
      passwords.delete(BASE);

      // A new connection: refused as the base user, the secret is re-read, the retry logs in as the clone.
      expect(await sessionUser(db)).toBe(CLONE);
      expect(tokens.requested).toEqual([BASE, BASE, CLONE]);
      expect(secretUser.reads).toBe(2);

      // A second new connection (two sessions at once, one reuses the idle clone connection) logs in as the
      // clone straight away: no refused attempt, no further secret read.
      let arrived = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const both = await Promise.all(
        [0, 1].map(() =>
          db.withSession(async (session) => {
            arrived += 1;
            if (arrived === 2) release();
            await together;
            return sessionUser(session);
          }),
        ),
      );
      expect(both).toEqual([CLONE, CLONE]);
      expect(tokens.requested).toEqual([BASE, BASE, CLONE, CLONE]);
      expect(secretUser.reads).toBe(2);

      rotated();
      expect(await held).toEqual([BASE, BASE]);

      const logText = logs.join('');
      expect(logText).toContain('database user changed by a secret rotation');
      expect(logText).toContain(`"previousUser":"${BASE}"`);
      for (const token of tokens.issued) expect(logText).not.toContain(token);
      for (const password of passwords.values()) expect(logText).not.toContain(password);
    } finally {
      rotated();
      await db.close();
    }
  });

  it('retries once only: a login refused again after re-reading the secret fails with the server error', async () => {
    const { db, secretUser, tokens } = await open(CLONE);
    const real = passwords.get(CLONE) ?? '';
    passwords.set(CLONE, 'not-the-password');
    try {
      const err: Error & { code?: string } = await db.query('SELECT 1').then(
        () => new Error('connected'),
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err.code).toBe('28P01');
      expect(err.message).not.toContain('not-the-password');
      expect(tokens.requested).toEqual([CLONE, CLONE]);
      expect(secretUser.reads).toBe(2);
    } finally {
      passwords.set(CLONE, real);
      await db.close();
    }
  });

  it('keeps the SQLSTATE and names the secret read failure when the user cannot be re-read', async () => {
    const { db, secretUser, tokens } = await open(CLONE);
    const real = passwords.get(CLONE) ?? '';
    passwords.set(CLONE, 'not-the-password');
    secretUser.read = async () => {
      throw new Error('AccessDeniedException: secretsmanager:GetSecretValue');
    };
    try {
      await expect(db.query('SELECT 1')).rejects.toMatchObject({
        code: '28P01',
        message: expect.stringMatching(/re-reading the database user failed: AccessDeniedException/),
      });
      expect(tokens.requested).toEqual([CLONE]);
    } finally {
      passwords.set(CLONE, real);
      await db.close();
    }
  });

  it('does not re-read the secret for errors other than a refused login', async () => {
    const { db, secretUser } = await open(CLONE);
    try {
      await expect(db.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
      expect(await sessionUser(db)).toBe(CLONE);
      expect(secretUser.reads).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('openDatabase with DATABASE_AUTH=iam (the wiring used in AWS)', () => {
  it('reads the user from the secret, sends a signed token for it over verified TLS, and re-reads it once when refused', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ username: CLONE, password: 'never-used-by-the-service' }),
    });
    // Static example credentials: the signer signs locally; the local server cannot verify IAM tokens, so
    // the login is refused, which is what shows the retry path end to end.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const dir = mkdtempSync(join(tmpdir(), 'tessera-iam-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, cluster.info.caPem);
    const secretArn = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:tessera-app-user-AbCdEf';
    const config = loadConfig({
      DATABASE_AUTH: 'iam',
      DATABASE_SECRET_ARN: secretArn,
      AWS_REGION: 'eu-central-1',
      PGHOST: cluster.info.host,
      PGPORT: String(cluster.info.port),
      PGDATABASE: DATABASE,
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: caFile,
    });
    const refusedLogins = () =>
      readFileSync(cluster.info.logFile, 'utf8').split(`password authentication failed for user "${CLONE}"`)
        .length - 1;
    const refusedBefore = refusedLogins();
    const db = await openDatabase(config);
    try {
      await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: '28P01' });
      expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
        { SecretId: secretArn, VersionStage: 'AWSCURRENT' },
        { SecretId: secretArn, VersionStage: 'AWSCURRENT' },
      ]);
      // Two logins as the secret's user reached the server (the first and the one retry), both over TLS.
      expect(refusedLogins()).toBe(refusedBefore + 2);
      const serverLog = readFileSync(cluster.info.logFile, 'utf8');
      expect(serverLog).not.toMatch(/X-Amz-Signature|never-used-by-the-service/);
    } finally {
      await db.close();
      sm.restore();
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
