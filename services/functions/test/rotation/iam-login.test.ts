import { describe, expect, it } from 'vitest';
import type { IamTokenSigner } from '../../src/rotation/context.js';
import { DatabaseError, type ConnectDatabase } from '../../src/rotation/database.js';
import { iamTokenSignerFrom } from '../../src/rotation/iam-token.js';
import { AWSCURRENT, AWSPREVIOUS } from '../../src/secrets-manager/secrets-manager.js';
import { RotationFixture, withSuperuser } from '../support/rotation-fixture.js';

const TOKEN_PREFIX = 'rds-iam-token:';
const signer: IamTokenSigner = ({ host, port, username }) =>
  Promise.resolve(`${TOKEN_PREFIX}${username}@${host}:${port}`);

/**
 * RDS's rule for users holding rds_iam (directly or through another role): a valid token logs in, the password
 * does not. The model checks the membership as the superuser and lets a token in by giving the role a fresh
 * password for that one login.
 */
function rdsIamRules(fx: () => RotationFixture): (connect: ConnectDatabase) => ConnectDatabase {
  return (connect) => async (credentials, redactor) => {
    // The fixture's master holds rds_iam WITH ADMIN OPTION only to grant it (RDS's master grants it as
    // rds_superuser, without being a member); it logs in with its password as on RDS.
    if (credentials.username === fx().masterUser) return connect(credentials, redactor);
    const iamUser = await withSuperuser(fx().db, 'postgres', async (client) => {
      const rows = await client.query<{ member: boolean }>(
        "SELECT pg_has_role(r.oid, 'rds_iam', 'MEMBER') AS member FROM pg_roles r WHERE r.rolname = $1",
        [credentials.username],
      );
      return rows.rows[0]?.member === true;
    });
    const isToken = credentials.password.startsWith(TOKEN_PREFIX);
    if (!iamUser) {
      if (isToken)
        throw new DatabaseError('connect failed (28P01): token for a user without rds_iam', '28P01');
      return connect(credentials, redactor);
    }
    if (!isToken) throw new DatabaseError('connect failed (28P01): rds_iam user needs a token', '28P01');
    const oneLogin = `Tok-${Math.random().toString(36).slice(2)}A1!x`;
    await withSuperuser(fx().db, 'postgres', (client) =>
      client.query(
        `ALTER ROLE ${client.escapeIdentifier(credentials.username)} PASSWORD ${client.escapeLiteral(oneLogin)}`,
      ),
    );
    return connect({ ...credentials, password: oneLogin }, redactor);
  };
}

async function grantRdsIam(fx: RotationFixture): Promise<void> {
  await withSuperuser(fx.db, 'postgres', async (client) => {
    try {
      await client.query('CREATE ROLE rds_iam NOLOGIN');
    } catch (error) {
      // Another test file created it meanwhile (roles are cluster-wide): duplicate object or unique violation.
      if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
    }
    await client.query(`GRANT rds_iam TO ${fx.masterUser} WITH ADMIN OPTION`);
    // What the data stack's bootstrap does without RDS Proxy.
    await client.query(`GRANT rds_iam TO ${fx.baseUser}`);
  });
}

describe('rotation of users that log in with IAM (no RDS Proxy)', () => {
  it('checks the pending user with a token, grants rds_iam to the clone and alternates the users', async () => {
    let fixture: RotationFixture | undefined;
    const fx = (fixture = await RotationFixture.create({
      baseRole: 'nologin',
      iamToken: signer,
      wrapConnect: rdsIamRules(() => fixture as RotationFixture),
    }));
    await grantRdsIam(fx);
    const original = await fx.secretAt(AWSCURRENT);

    const first = await fx.rotate();
    const afterFirst = await fx.secretAt(AWSCURRENT);
    expect(afterFirst.versionId).toBe(first);
    expect(afterFirst.username).toBe(`${fx.baseUser}_clone`);
    const cloneGrants = await withSuperuser(fx.db, 'postgres', (client) =>
      client.query<{ direct: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
           JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = 'rds_iam' AND u.rolname = $1) AS direct`,
        [`${fx.baseUser}_clone`],
      ),
    );
    expect(cloneGrants.rows[0]?.direct).toBe(true);

    const second = await fx.rotate();
    const afterSecond = await fx.secretAt(AWSCURRENT);
    expect(afterSecond.versionId).toBe(second);
    expect(afterSecond.username).toBe(fx.baseUser);
    expect((await fx.secretAt(AWSPREVIOUS)).versionId).toBe(first);
    expect(original.username).toBe(fx.baseUser);
    // No log line carries a token.
    expect(fx.logLines.join('\n')).not.toContain(TOKEN_PREFIX);
  });

  it('fails testSecret without a signer: a password no longer logs in an rds_iam user', async () => {
    let fixture: RotationFixture | undefined;
    const fx = (fixture = await RotationFixture.create({
      baseRole: 'nologin',
      wrapConnect: rdsIamRules(() => fixture as RotationFixture),
    }));
    await grantRdsIam(fx);
    await expect(fx.rotate()).rejects.toThrow(/testSecret failed.*28P01/);
  });
});

describe('DB_USER_AUTH', () => {
  it('signs nothing for password logins (the default) and needs a region for iam', () => {
    expect(iamTokenSignerFrom({})).toBeUndefined();
    expect(iamTokenSignerFrom({ DB_USER_AUTH: 'password' })).toBeUndefined();
    expect(typeof iamTokenSignerFrom({ DB_USER_AUTH: 'iam', AWS_REGION: 'us-east-1' })).toBe('function');
    expect(() => iamTokenSignerFrom({ DB_USER_AUTH: 'iam' })).toThrow(/needs AWS_REGION/);
  });

  it('refuses another value, naming the allowed ones', () => {
    expect(() => iamTokenSignerFrom({ DB_USER_AUTH: 'token' })).toThrow(
      'DB_USER_AUTH: got "token"; allowed: "password", "iam"',
    );
  });
});
