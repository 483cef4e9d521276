import {
  clusterInstances,
  clusterOf,
  dbInstanceVcpus,
  isServerless,
  keptAwake,
  serverlessAcu,
} from '../fleet.js';
import { HOURS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Charge, type Pricer } from '../pricing.js';
import { numberAt, prop, stringAt, type Resource } from '../template.js';
import { gbOf } from '../traffic/index.js';

const AURORA_POSTGRESQL = 'aurora-postgresql';

function requireAuroraPostgres(resource: Resource): void {
  const engine = stringAt(resource.properties, 'Engine');
  if (engine !== AURORA_POSTGRESQL) throw new UnpricedError(`engine ${engine ?? '(none)'} is not priced`);
}

export const dbCluster: Pricer = ({ resource, profile }) => {
  requireAuroraPostgres(resource);
  const storageType = stringAt(resource.properties, 'StorageType') ?? 'aurora';
  if (storageType !== 'aurora') {
    throw new UnpricedError(`storage type ${storageType} (I/O-Optimized) is not in the price table`);
  }
  const db = profile.volumes.database;
  const retention = numberAt(resource.properties, 'BackupRetentionPeriod') ?? 1;
  const charges: Charge[] = [
    {
      label: 'storage',
      item: 'aurora.storage.gbMonth',
      quantity: db.storageGb,
      note: "the profile's database size",
    },
    {
      label: 'I/O requests',
      item: 'aurora.io.1M',
      quantity: db.ioRequestsMillions,
      note: 'Aurora Standard bills every page read and write',
    },
    {
      label: 'automated backup storage',
      item: 'aurora.backup.gbMonth',
      quantity: db.dailyChangeGb * retention,
      note: `${retention}-day point-in-time window × daily change; the base copy is within the free 100% of the volume`,
    },
  ];
  if (prop(resource.properties, 'ManageMasterUserPassword') === true) {
    charges.push({
      label: 'RDS-managed master user secret',
      item: 'secretsManager.secretMonth',
      quantity: 1,
      note: 'ManageMasterUserPassword creates a Secrets Manager secret outside the template',
    });
  }
  return charges;
};

/** Size of one Enhanced Monitoring sample (OS metrics and process list as JSON) in RDSOSMetrics. */
const ENHANCED_MONITORING_KB_PER_SAMPLE = 10;
/** RDSOSMetrics keeps samples 30 days unless its retention is changed. */
const ENHANCED_MONITORING_RETENTION_MONTHS = 1;

function serverlessNote(env: Parameters<Pricer>[0]['env'], instance: Resource, acu: number): string {
  const cluster = clusterOf(env, instance);
  const min = numberAt(cluster?.properties, 'ServerlessV2ScalingConfiguration.MinCapacity');
  if (min === 0 && !keptAwake(env)) {
    return `minimum 0 ACU: paused while idle, nothing keeps it awake; ${acu} ACU on average with traffic × ${HOURS_PER_MONTH} h`;
  }
  if (min === 0) {
    return `minimum 0 ACU, never paused: the payment API's background jobs query the writer whenever a task runs (app.scaling.minCapacity >= 1); ${acu} ACU × ${HOURS_PER_MONTH} h`;
  }
  return `${acu} ACU on average (the cluster minimum when idle) × ${HOURS_PER_MONTH} h`;
}

export const dbInstance: Pricer = ({ resource, env, profile }) => {
  requireAuroraPostgres(resource);
  const charges: Charge[] = [];
  const instanceClass = stringAt(resource.properties, 'DBInstanceClass') ?? '';
  if (isServerless(resource)) {
    const acu = serverlessAcu(env, resource, profile);
    charges.push({
      label: 'Serverless v2 capacity',
      item: 'aurora.serverlessV2.acuHour',
      quantity: acu * HOURS_PER_MONTH,
      note: serverlessNote(env, resource, acu),
    });
  } else {
    charges.push({
      label: `${instanceClass} instance hours`,
      item: `aurora.postgresql.${instanceClass}.hour`,
      quantity: HOURS_PER_MONTH,
      note: 'Aurora Standard, on-demand, always on',
    });
  }
  const retention = numberAt(resource.properties, 'PerformanceInsightsRetentionPeriod') ?? 7;
  if (prop(resource.properties, 'EnablePerformanceInsights') === true && retention > 7) {
    throw new UnpricedError(`Performance Insights retention of ${retention} days is not in the price table`);
  }
  const interval = numberAt(resource.properties, 'MonitoringInterval') ?? 0;
  if (interval > 0) {
    const gb = gbOf((HOURS_PER_MONTH * 3600) / interval, ENHANCED_MONITORING_KB_PER_SAMPLE);
    charges.push(
      {
        label: 'Enhanced Monitoring log ingestion',
        item: 'logs.ingest.gb',
        quantity: gb,
        note: `a sample every ${interval} s of ~${ENHANCED_MONITORING_KB_PER_SAMPLE} KiB into RDSOSMetrics (estimate); Performance Insights 7-day retention is free`,
      },
      {
        label: 'Enhanced Monitoring log storage',
        item: 'logs.storage.gbMonth',
        quantity: gb * ENHANCED_MONITORING_RETENTION_MONTHS * profile.shape.logArchiveRatio,
        note: 'RDSOSMetrics keeps 30 days, archived compressed',
      },
    );
  }
  return charges;
};

/** RDS Proxy bills the capacity of its targets: vCPUs (minimum 2) or Serverless v2 ACUs (minimum 8). */
export const dbProxy: Pricer = ({ resource, env, profile }) => {
  const targetGroups = env
    .referrers(resource, 'AWS::RDS::DBProxyTargetGroup')
    .filter((g) => env.pointsAt(g, prop(g.properties, 'DBProxyName'), resource));
  const clusters = targetGroups.flatMap((g) =>
    env.targets(g.stack, prop(g.properties, 'DBClusterIdentifiers')),
  );
  if (targetGroups.some((g) => prop(g.properties, 'DBInstanceIdentifiers') !== undefined)) {
    throw new UnpricedError('proxies targeting DB instances are not priced');
  }
  const instances = clusters.flatMap((c) => clusterInstances(env, c));
  if (instances.length === 0) throw new UnpricedError('its target cluster has no instances in the templates');
  const serverless = instances.filter(isServerless);
  if (serverless.length === instances.length) {
    const acu = serverless.reduce((sum, i) => sum + serverlessAcu(env, i, profile), 0);
    return [
      {
        label: 'proxy capacity (Serverless v2 target)',
        item: 'rdsProxy.acuHour',
        quantity: Math.max(8, acu) * HOURS_PER_MONTH,
        note: `${acu} ACU in the target, billed at the 8-ACU minimum or more`,
      },
    ];
  }
  if (serverless.length > 0)
    throw new UnpricedError('mixed serverless and provisioned targets are not priced');
  const vcpus = instances.reduce((sum, i) => sum + dbInstanceVcpus(i), 0);
  return [
    {
      label: 'proxy capacity (provisioned target)',
      item: 'rdsProxy.vcpuHour',
      quantity: Math.max(2, vcpus) * HOURS_PER_MONTH,
      note: `${vcpus} vCPUs across ${instances.length} instance(s) of the target cluster (minimum 2)`,
    },
  ];
};
