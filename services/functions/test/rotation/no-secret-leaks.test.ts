import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatabaseError, type ConnectDatabase } from '../../src/rotation/database.js';
import { AWSCURRENT } from '../../src/secrets-manager/secrets-manager.js';
import { RotationFixture } from '../support/rotation-fixture.js';

function expectNoSecret(texts: readonly string[], passwords: readonly string[]): void {
  expect(passwords.length).toBeGreaterThan(1);
  for (const text of texts) {
    for (const password of passwords) expect(text).not.toContain(password);
  }
}

describe('no secret value reaches a log line, an error or the database log', () => {
  it('successful rotations log JSON lines with only the allowed fields', async () => {
    const fx = await RotationFixture.create();
    await fx.rotate();
    await fx.rotate();

    expect(fx.logLines.length).toBeGreaterThan(8);
    const allowed = [
      'level',
      'message',
      'secretArn',
      'step',
      'token',
      'username',
      'versionId',
      'error',
      'errorCode',
    ];
    for (const line of fx.logLines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(entry).every((key) => allowed.includes(key))).toBe(true);
    }
    expect(fx.logLines.some((l) => l.includes(`"step":"setSecret"`) && l.includes(fx.baseUser))).toBe(true);
    expectNoSecret(fx.logLines, await fx.allPasswords());
  });

  it('the database server log never sees a password: setSecret sends a SCRAM verifier', async () => {
    const fx = await RotationFixture.create();
    await fx.rotate();
    await fx.rotate();
    const serverLog = readFileSync(fx.db.logFile, 'utf8');
    expect(serverLog).toContain(`ALTER ROLE "${fx.baseUser}_clone" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:`);
    expectNoSecret([serverLog], await fx.rotatedPasswords());
  });

  it('errors from the driver are scrubbed even when they quote a password', async () => {
    // A driver whose error message quotes the statement — the worst case a future driver could produce.
    const leaky =
      (connect: ConnectDatabase): ConnectDatabase =>
      async (credentials, redactor) => {
        const session = await connect(credentials, redactor);
        return {
          ...session,
          query: async (text, values) => {
            if (text.startsWith('ALTER ROLE')) {
              throw DatabaseError.from(
                'query',
                new Error(`syntax error in ${text} (${credentials.password})`),
                redactor,
              );
            }
            return session.query(text, values);
          },
        };
      };
    const fx = await RotationFixture.create({ wrapConnect: leaky });
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    const thrown = await fx.runStep(token, 'setSecret').then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as Error;
    expect(error.message).toContain('[REDACTED]');
    expect(error.message).not.toContain('SCRAM-SHA-256$');
    expect(error.cause).toBeUndefined();
    expectNoSecret([error.message, String(error.stack), ...fx.logLines], await fx.allPasswords());
  });

  it('a refused login names the user and SQLSTATE, never the password', async () => {
    const fx = await RotationFixture.create();
    const token = fx.startRotation();
    await fx.runStep(token, 'createSecret');
    // testSecret before setSecret: the pending password is not known to the database yet.
    const error = await fx.runStep(token, 'testSecret').then(
      () => new Error('testSecret unexpectedly succeeded'),
      (caught: unknown) => caught as Error,
    );

    expect(error.message).toMatch(/testSecret failed.*SQLSTATE 28P01.*password authentication failed/);
    const failure = fx.logLines
      .map((l) => JSON.parse(l) as Record<string, string>)
      .find((e) => e['level'] === 'error');
    expect(failure).toMatchObject({ step: 'testSecret', token, errorCode: 'SQLSTATE 28P01' });
    expectNoSecret([error.message, String(error.stack), ...fx.logLines], await fx.allPasswords());
  });

  it('a malformed secret value is reported by field, not echoed', async () => {
    const fx = await RotationFixture.create();
    const leakedPassword = 'Hunter2-but-much-longer-1234';
    await fx.secrets.putSecretValue({
      secretId: fx.appSecretArn,
      clientRequestToken: 'c0ffee00-0000-4000-8000-000000000001',
      secretString: `{"engine":"postgres","password":"${leakedPassword}",`,
      versionStages: [AWSCURRENT],
    });
    const token = fx.startRotation();
    const error = await fx.runStep(token, 'createSecret').then(
      () => new Error('createSecret unexpectedly succeeded'),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toContain('AWSCURRENT secret: the secret value is not valid JSON');
    expectNoSecret(
      [error.message, String(error.stack), ...fx.logLines],
      [leakedPassword, fx.initialPassword],
    );
  });
});
