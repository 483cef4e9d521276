import { describe, expect, it } from 'vitest';
import { defaultsFor, loadConfig, validateConfig } from '../../config/index.js';

describe('data tier configuration', () => {
  it('sizes prod for the recovery targets: 35 days of point-in-time restore, hourly DR copies, 7-year monthlies', () => {
    const { data } = defaultsFor('prod');
    expect(data.engine).toEqual({ mode: 'provisioned', instanceClass: 'r7g.large', readers: 2 });
    expect(data.backupRetentionDays).toBe(35);
    expect(data.backup).toMatchObject({
      continuousRetentionDays: 35,
      drCopyIntervalHours: 1,
      monthlyRetentionDays: 2557,
    });
    expect(data.rotationDays).toBe(30);
  });

  it('runs staging on a writer and one reader and dev on a small Serverless v2 writer', () => {
    expect(defaultsFor('staging').data.engine).toMatchObject({ mode: 'provisioned', readers: 1 });
    expect(defaultsFor('dev').data.engine).toEqual({
      mode: 'serverless',
      minCapacity: 0,
      maxCapacity: 2,
      autoPauseSeconds: 900,
      readers: 0,
    });
  });

  it('keeps Aurora and AWS Backup point-in-time windows equal in every environment', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      const { data } = defaultsFor(env);
      expect(data.backupRetentionDays, env).toBe(data.backup.continuousRetentionDays);
    }
  });

  it('takes single keys from the context, as numbers', () => {
    const ctx: Record<string, string> = { 'data.rotationDays': '14', 'data.engine.readers': '3' };
    const config = loadConfig({ envName: 'staging', getContext: (k) => ctx[k] });
    expect(config.data.rotationDays).toBe(14);
    expect(config.data.engine.readers).toBe(3);
  });

  const invalid = (mutate: (c: ReturnType<typeof defaultsFor>) => void) => {
    const c = defaultsFor('prod');
    mutate(c);
    return () => validateConfig(c);
  };

  it('refuses backup retention Aurora does not allow, naming the field', () => {
    expect(invalid((c) => (c.data.backupRetentionDays = 36))).toThrow(
      /data\.backupRetentionDays: got 36; must be between 1 and 35 days/,
    );
  });

  it('refuses a rotation period longer than the 90-day password policy', () => {
    expect(invalid((c) => (c.data.rotationDays = 120))).toThrow(/data\.rotationDays.*PCI DSS 8\.3\.9/);
  });

  it('refuses a DR copy interval that does not divide a day', () => {
    expect(invalid((c) => (c.data.backup.drCopyIntervalHours = 5))).toThrow(
      /data\.backup\.drCopyIntervalHours.*1 \| 2 \| 3 \| 4 \| 6 \| 8 \| 12 \| 24/,
    );
  });

  it('keeps RDS Proxy in staging and prod and drops it in dev, where the writer pauses at 0 ACU', () => {
    expect(defaultsFor('prod').data.proxy).toBe(true);
    expect(defaultsFor('staging').data.proxy).toBe(true);
    expect(defaultsFor('dev').data.proxy).toBe(false);
  });

  it('takes data.proxy from the context as a boolean', () => {
    const ctx: Record<string, string> = { 'data.proxy': 'false' };
    expect(loadConfig({ envName: 'prod', getContext: (k) => ctx[k] }).data.proxy).toBe(false);
  });

  it('refuses a data.proxy that is not a boolean, naming the field and what is allowed', () => {
    expect(invalid((c) => ((c.data as { proxy: unknown }).proxy = 'off'))).toThrow(
      /data\.proxy: got "off"; must be true \(RDS Proxy in front of the cluster\) or false/,
    );
  });

  const serverless = (engine: Record<string, unknown>, proxy: boolean) =>
    invalid((c) => {
      c.data.engine = { mode: 'serverless', minCapacity: 0, maxCapacity: 2, readers: 0, ...engine } as never;
      c.data.proxy = proxy;
    });

  it('refuses 0 ACU behind RDS Proxy: the proxy keeps the cluster awake', () => {
    expect(serverless({ autoPauseSeconds: 300 }, true)).toThrow(
      /data\.engine\.minCapacity: got 0; must be at least 0\.5 while data\.proxy is true/,
    );
    expect(serverless({ autoPauseSeconds: 300 }, false)).not.toThrow();
  });

  it('needs an auto-pause delay at 0 ACU, from 300 to 86400 seconds', () => {
    expect(serverless({}, false)).toThrow(
      /data\.engine\.autoPauseSeconds: .*must be set \(300-86400 seconds\) when data\.engine\.minCapacity is 0/,
    );
    expect(serverless({ autoPauseSeconds: 299 }, false)).toThrow(
      /data\.engine\.autoPauseSeconds: got 299; must be between 300 and 86400 seconds/,
    );
    expect(serverless({ autoPauseSeconds: 86401 }, false)).toThrow(
      /got 86401; must be between 300 and 86400/,
    );
    expect(serverless({ autoPauseSeconds: 86400 }, false)).not.toThrow();
  });

  it('refuses a negative minimum and a maximum below 0.5 ACU', () => {
    expect(serverless({ minCapacity: -0.5, autoPauseSeconds: 300 }, false)).toThrow(
      /data\.engine\.minCapacity: got -0\.5; must be between 0 and 256 ACU/,
    );
    expect(serverless({ maxCapacity: 0, autoPauseSeconds: 300 }, false)).toThrow(
      /data\.engine\.maxCapacity: got 0; must be between 0\.5 and 256 ACU/,
    );
  });

  it('refuses a serverless range whose minimum exceeds the maximum', () => {
    expect(
      invalid((c) => (c.data.engine = { mode: 'serverless', minCapacity: 8, maxCapacity: 4, readers: 0 })),
    ).toThrow(/data\.engine\.minCapacity.*must not exceed data\.engine\.maxCapacity \(4\)/);
  });

  it('refuses DR daily copies kept shorter than the interval copies', () => {
    expect(
      invalid((c) => {
        c.data.backup.dailyCopyRetentionDays = 1;
        c.data.backup.intervalRetentionDays = 2;
      }),
    ).toThrow(
      /data\.backup\.dailyCopyRetentionDays: got 1; must be at least data\.backup\.intervalRetentionDays \(2\)/,
    );
  });

  it('keeps the application user short enough for its _clone (57 characters pass, 58 do not)', () => {
    const name = (length: number) => `p${'a'.repeat(length - 1)}`;
    expect(invalid((c) => (c.data.appUsername = name(57)))).not.toThrow();
    expect(invalid((c) => (c.data.appUsername = name(58)))).toThrow(
      /data\.appUsername: got "pa+"; must be 1-57 lowercase letters, digits or underscores, starting with a letter \(the rotation adds _clone; PostgreSQL names are at most 63 characters\)/,
    );
    expect(invalid((c) => (c.data.databaseName = name(63)))).not.toThrow();
    expect(invalid((c) => (c.data.databaseName = 'Tessera'))).toThrow(
      /data\.databaseName: got "Tessera"; must be 1-63/,
    );
  });

  it('needs the Secrets Manager endpoint the rotation function reaches', () => {
    expect(
      invalid(
        (c) =>
          (c.network.interfaceEndpoints = c.network.interfaceEndpoints.filter((e) => e !== 'secretsmanager')),
      ),
    ).toThrow(
      /network\.interfaceEndpoints: .*must include 'secretsmanager': the data tier's rotation function/,
    );
  });

  it('refuses an instance class written with the db. prefix', () => {
    expect(
      invalid((c) => (c.data.engine = { mode: 'provisioned', instanceClass: 'db.r7g.large', readers: 2 })),
    ).toThrow(/data\.engine\.instanceClass.*without the db\. prefix/);
  });

  it('refuses a window in the wrong format', () => {
    expect(invalid((c) => (c.data.preferredMaintenanceWindow = 'Sunday 3am'))).toThrow(
      /data\.preferredMaintenanceWindow.*ddd:hh:mm-ddd:hh:mm/,
    );
  });
});
