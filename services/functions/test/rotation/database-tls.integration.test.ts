import { describe, expect, inject, it } from 'vitest';
import { pgConnector } from '../../src/rotation/database.js';
import { Redactor } from '../../src/rotation/redactor.js';
import { RotationFixture } from '../support/rotation-fixture.js';

describe('TLS to the database (real server, private CA)', () => {
  it('the function’s sessions are encrypted and verified against the configured CA', async () => {
    const fx = await RotationFixture.create();
    const connect = pgConnector({ mode: 'verify-full', ca: fx.db.caPem });
    const session = await connect(
      {
        host: fx.db.host,
        port: fx.db.port,
        dbname: fx.dbname,
        username: fx.baseUser,
        password: fx.initialPassword,
      },
      new Redactor(),
    );
    try {
      const rows = await session.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
    } finally {
      await session.close();
    }
  });

  it('refuses a server whose certificate does not chain to a trusted CA', async () => {
    const db = inject('tempPostgres');
    const connect = pgConnector({ mode: 'verify-full' });
    await expect(
      connect(
        { host: db.host, port: db.port, dbname: 'postgres', username: 'nobody', password: 'irrelevant-1' },
        new Redactor(),
      ),
    ).rejects.toThrow(
      /^connect to 127\.0\.0\.1:\d+\/postgres as nobody failed \((?:SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/,
    );
  });

  it('refuses a certificate issued for another host name', async () => {
    const db = inject('tempPostgres');
    const connect = pgConnector({ mode: 'verify-full', ca: db.caPem });
    // The server certificate names only IP:127.0.0.1.
    await expect(
      connect(
        {
          host: 'localhost',
          port: db.port,
          dbname: 'postgres',
          username: 'nobody',
          password: 'irrelevant-1',
        },
        new Redactor(),
      ),
    ).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });
});
