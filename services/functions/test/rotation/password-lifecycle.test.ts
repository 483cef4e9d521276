import { describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPREVIOUS } from '../../src/secrets-manager/secrets-manager.js';
import { RotationFixture, withClient } from '../support/rotation-fixture.js';

describe('the old password stops working only when it should', () => {
  it('only the user that is not current changes; its old password dies at the second rotation', async () => {
    const fx = await RotationFixture.create();
    const base0 = { username: fx.baseUser, password: fx.initialPassword };
    expect(await fx.canLogIn(base0)).toBe(true);
    expect(await fx.canLogIn({ ...base0, password: `${base0.password}x` })).toBe(false);

    // Rotation 1 creates the clone; the base user (and its password) is untouched.
    await fx.rotate();
    const clone1 = await fx.secretAt(AWSCURRENT);
    expect(await fx.canLogIn(base0)).toBe(true);
    expect(await fx.canLogIn(clone1)).toBe(true);

    // A session opened with the base user's first password stays usable across rotation 2, which changes
    // exactly that user's password.
    await withClient(fx.db, fx.dbname, base0, async (longLived) => {
      const token = fx.startRotation();
      await fx.runStep(token, 'createSecret');
      await fx.runStep(token, 'setSecret');
      // Between setSecret and finishSecret: AWSCURRENT (the clone) still works, the base user's first
      // password is already gone for new logins, the new one works.
      expect(await fx.canLogIn(clone1)).toBe(true);
      expect(await fx.canLogIn(base0)).toBe(false);
      await fx.runStep(token, 'testSecret');
      await fx.runStep(token, 'finishSecret');
      const { rows } = await longLived.query('SELECT current_user AS who');
      expect(rows).toEqual([{ who: fx.baseUser }]);
    });

    const base2 = await fx.secretAt(AWSCURRENT);
    expect(base2.username).toBe(fx.baseUser);
    expect(await fx.canLogIn(base2)).toBe(true);
    expect(await fx.canLogIn(base0)).toBe(false);
    // AWSPREVIOUS (the clone) keeps working until the next rotation changes it.
    expect((await fx.secretAt(AWSPREVIOUS)).password).toBe(clone1.password);
    expect(await fx.canLogIn(clone1)).toBe(true);

    await fx.rotate();
    const clone3 = await fx.secretAt(AWSCURRENT);
    expect(clone3.username).toBe(`${fx.baseUser}_clone`);
    expect(await fx.canLogIn(clone1)).toBe(false);
    expect(await fx.canLogIn(clone3)).toBe(true);
    expect(await fx.canLogIn(base2)).toBe(true);
  });
});
