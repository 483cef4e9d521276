import { describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../src/secrets-manager/secrets-manager.js';
import { RotationFixture } from '../support/rotation-fixture.js';

describe('alternating-users rotation against a real PostgreSQL (SCRAM + TLS)', () => {
  it('a full rotation leaves a working AWSCURRENT on the clone user and the old version as AWSPREVIOUS', async () => {
    const fx = await RotationFixture.create();
    const before = await fx.secretAt(AWSCURRENT);

    const token = await fx.rotate();

    const current = await fx.secretAt(AWSCURRENT);
    const previous = await fx.secretAt(AWSPREVIOUS);
    expect(current.versionId).toBe(token);
    expect(current.username).toBe(`${fx.baseUser}_clone`);
    expect(current).toMatchObject({ host: before.host, port: before.port, dbname: before.dbname, ssl: true });
    expect(current.password).not.toBe(before.password);
    expect(current.password).toHaveLength(32);
    expect(previous.versionId).toBe(before.versionId);
    expect(previous.username).toBe(fx.baseUser);
    expect(await fx.canLogIn(current)).toBe(true);
    await fx.exerciseGrants(current);
    // The base user was not touched: sessions and logins with the previous credentials keep working.
    expect(await fx.canLogIn(previous)).toBe(true);
    // AWSPENDING may stay on the AWSCURRENT version (the service allows that), never on another one.
    const stages = await fx.stages();
    for (const [versionId, labels] of Object.entries(stages)) {
      if (labels.includes(AWSPENDING)) expect(versionId).toBe(token);
    }
  });

  it('two rotations alternate base ↔ clone, both users hold the grants, and a third starts cleanly', async () => {
    const fx = await RotationFixture.create();
    await fx.rotate();
    const afterFirst = await fx.secretAt(AWSCURRENT);
    const secondToken = await fx.rotate();
    const afterSecond = await fx.secretAt(AWSCURRENT);

    expect(afterFirst.username).toBe(`${fx.baseUser}_clone`);
    expect(afterSecond.username).toBe(fx.baseUser);
    expect(afterSecond.versionId).toBe(secondToken);
    expect((await fx.secretAt(AWSPREVIOUS)).versionId).toBe(afterFirst.versionId);
    await fx.exerciseGrants(afterSecond);
    await fx.exerciseGrants(afterFirst);

    await fx.rotate();
    expect((await fx.secretAt(AWSCURRENT)).username).toBe(`${fx.baseUser}_clone`);
  });

  it('the clone is a member of the base role and owns no privileges of its own', async () => {
    const fx = await RotationFixture.create();
    await fx.rotate();
    const rows = await fx.asMaster(async (client) => {
      const result = await client.query<{ member: boolean; inherit: boolean; direct: boolean }>(
        `SELECT pg_has_role($1, $2, 'MEMBER') AS member,
                r.rolinherit AS inherit,
                has_table_privilege($1, 'ledger_probe', 'INSERT') AS direct
           FROM pg_roles r WHERE r.rolname = $1`,
        [`${fx.baseUser}_clone`, fx.baseUser],
      );
      return result.rows;
    });
    expect(rows).toEqual([{ member: true, inherit: true, direct: true }]);
  });

  it('starts from the state the data stack bootstraps: base role NOLOGIN without password', async () => {
    const fx = await RotationFixture.create({ baseRole: 'nologin' });
    const initial = await fx.secretAt(AWSCURRENT);
    // The role has no password yet, so authentication fails before PostgreSQL even looks at NOLOGIN.
    expect(await fx.canLogIn(initial)).toBe(false);

    await fx.rotate();
    const clone = await fx.secretAt(AWSCURRENT);
    expect(clone.username).toBe(`${fx.baseUser}_clone`);
    await fx.exerciseGrants(clone);

    // The second rotation gives the base role its login and a password.
    await fx.rotate();
    const base = await fx.secretAt(AWSCURRENT);
    expect(base.username).toBe(fx.baseUser);
    await fx.exerciseGrants(base);
    expect(await fx.canLogIn(clone)).toBe(true);
  });
});
