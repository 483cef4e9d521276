import type { DataConfig } from './data.js';

type EnvName = 'dev' | 'staging' | 'prod';

const SEVEN_YEARS_DAYS = 2557;

const common = {
  clusterName: 'payments',
  databaseName: 'tessera',
  appUsername: 'payment_api',
  rotationDays: 30,
  // Aurora's own backup runs first; AWS Backup's daily and monthly jobs follow at 05:00/05:30 UTC.
  preferredBackupWindow: '02:00-03:00',
  preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
} as const;

/**
 * Data tier per environment. prod: writer + 2 memory-optimized readers, 35 days of point-in-time restore,
 * hourly copies to the DR region (RPO 1 h), monthly snapshots kept 7 years. staging: writer + 1 reader.
 * dev: small Serverless v2, daily copies only.
 */
export const DATA_DEFAULTS: Record<EnvName, DataConfig> = {
  dev: {
    ...common,
    engine: { mode: 'serverless', minCapacity: 0.5, maxCapacity: 2, readers: 0 },
    backupRetentionDays: 7,
    logRetentionDays: 30,
    backup: {
      continuousRetentionDays: 7,
      dailyRetentionDays: 7,
      dailyCopyRetentionDays: 7,
      monthlyRetentionDays: 0,
      drCopyIntervalHours: 24,
      intervalRetentionDays: 1,
    },
  },
  staging: {
    ...common,
    engine: { mode: 'provisioned', instanceClass: 'r7g.large', readers: 1 },
    backupRetentionDays: 14,
    logRetentionDays: 365,
    backup: {
      continuousRetentionDays: 14,
      dailyRetentionDays: 35,
      dailyCopyRetentionDays: 14,
      monthlyRetentionDays: 0,
      drCopyIntervalHours: 4,
      intervalRetentionDays: 2,
    },
  },
  prod: {
    ...common,
    engine: { mode: 'provisioned', instanceClass: 'r7g.large', readers: 2 },
    backupRetentionDays: 35,
    logRetentionDays: SEVEN_YEARS_DAYS,
    backup: {
      continuousRetentionDays: 35,
      dailyRetentionDays: 90,
      dailyCopyRetentionDays: 35,
      monthlyRetentionDays: SEVEN_YEARS_DAYS,
      drCopyIntervalHours: 1,
      intervalRetentionDays: 2,
    },
  },
};

/** A copy of the environment's data-tier defaults (callers may change it). */
export function dataDefaults(env: EnvName): DataConfig {
  return structuredClone(DATA_DEFAULTS[env]);
}
