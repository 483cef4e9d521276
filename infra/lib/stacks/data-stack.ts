import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentConfig } from '../../config/index.js';
import { AuroraPostgresCluster, type AuroraCapacity } from '../constructs/data/aurora-postgres-cluster.js';
import { readerRoleSql } from '../constructs/data/analytics-read-access.js';
import { BackupJobAlerts } from '../constructs/data/backup-job-alerts.js';
import type { IDatabaseAccess } from '../constructs/data/database-access.js';
import {
  auroraPostgresMaxConnections,
  auroraServerlessMaxConnections,
} from '../constructs/monitoring/aurora-max-connections.js';
import type { MonitoredResources } from '../constructs/monitoring/monitored-resources.js';
import { DatabaseBackupPlan } from '../constructs/data/database-backup-plan.js';
import { bootstrapSql, DatabaseUserBootstrap } from '../constructs/data/database-user-bootstrap.js';
import { PostgresProxy } from '../constructs/data/postgres-proxy.js';
import { POSTGRES_PORT } from '../constructs/data/postgres.js';
import { RotatingDatabaseUserSecret } from '../constructs/data/rotating-database-user-secret.js';
import { SecretRotationFunction } from '../constructs/data/secret-rotation-function.js';
import { tierSubnetCidrs } from '../constructs/network/tiered-ip-addresses.js';
import { TIER_OFFSETS } from '../constructs/network/tiered-vpc.js';
import { toRemovalPolicy } from '../removal-policy.js';
import { drBackupVaultArn } from './data-dr-stack.js';

const ROTATION_HANDLER = fileURLToPath(
  new URL('../../../services/functions/src/rotation/handler.ts', import.meta.url),
);
const LOCKFILE = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));

/** What the Peering stack needs to grant the analytics read role its tables (ADR 0037). */
export interface AnalyticsReaderAccess {
  readonly clusterArn: string;
  readonly databaseName: string;
  readonly masterSecret: secretsmanager.ISecret;
  /** Key of the master secret. */
  readonly masterSecretKey: kms.IKey;
  /** The payment API's base role, owner of the tables. */
  readonly ownerRole: string;
  /** The analytics read role (base of its two alternating logins). */
  readonly readerRole: string;
  /** The read role's rotated secret, readable by the analytics account. */
  readonly secret: secretsmanager.ISecret;
}

export interface DataStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** The payment VPC with its `app` and `data` subnet groups. */
  readonly vpc: ec2.IVpc;
  /** Topic for failed backup and copy jobs (the security stack's operations topic). */
  readonly alertTopic: sns.ITopic;
  /** The security stack's keys. */
  readonly keys: {
    readonly data: kms.IKey;
    readonly logs: kms.IKey;
    readonly secrets: kms.IKey;
    readonly backups: kms.IKey;
  };
}

/**
 * The data tier: Aurora PostgreSQL, the payment API's database user (bootstrapped once, rotated by our
 * function), RDS Proxy (or, with `data.proxy` off, direct IAM logins to the writer, ADR 0049), and AWS Backup
 * with copies to the DR region.
 */
export class DataStack extends Stack {
  readonly cluster: rds.IDatabaseCluster;
  /** The payment API's way in: proxy endpoint, database, owner role, secret, client security group, grant. */
  readonly databaseAccess: IDatabaseAccess;
  /** The analytics read role, when `peering.enabled`. */
  readonly analyticsReader?: AnalyticsReaderAccess;
  /** What the Monitoring stack watches here: the cluster, its proxy, the rotation function. */
  readonly monitoring: MonitoredResources;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, vpc, keys } = props;
    const data = config.data;
    const retainData = config.removalPolicy === 'retain';
    // Behind the proxy the users log in with their passwords; without it, with IAM tokens (they hold rds_iam).
    const userLogin = data.proxy ? 'password' : 'iam';
    // The proxy keeps its name (and endpoint) when the cluster is restored under a new name.
    const proxyName = `tessera-${config.envName}-payments`;
    const appSubnets: ec2.SubnetSelection = { subnetGroupName: 'app' };
    const dataSubnets: ec2.SubnetSelection = { subnetGroupName: 'data' };

    const database = new AuroraPostgresCluster(this, 'Database', {
      vpc,
      vpcSubnets: dataSubnets,
      clusterIdentifier: `tessera-${config.envName}-${data.clusterName}`,
      snapshotIdentifier: data.restoreFromSnapshot,
      databaseName: data.databaseName,
      capacity: toCapacity(data.engine),
      dataKey: keys.data,
      secretsKey: keys.secrets,
      logsKey: keys.logs,
      logRetention: data.logRetentionDays as logs.RetentionDays,
      backupRetention: Duration.days(data.backupRetentionDays),
      preferredBackupWindow: data.preferredBackupWindow,
      preferredMaintenanceWindow: data.preferredMaintenanceWindow,
      retainData,
      enableDataApi: true,
    });
    this.cluster = database.cluster;

    const rotation = new SecretRotationFunction(this, 'Rotation', {
      vpc,
      vpcSubnets: appSubnets,
      entry: ROTATION_HANDLER,
      depsLockFilePath: LOCKFILE,
      logsKey: keys.logs,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retainLogs: retainData,
      // Secrets Manager is reached through the interface endpoint's private DNS name, so no endpoint URL.
      environment: { DB_TLS: 'verify-full', DB_USER_AUTH: userLogin },
    });
    database.allowPostgresFrom(rotation, 'PostgreSQL from the secret rotation function');

    const bootstrap = new DatabaseUserBootstrap(this, 'AppUserBootstrap', {
      cluster: database.cluster,
      masterSecret: database.masterSecret,
      secretsKey: keys.secrets,
      databaseName: data.databaseName,
      username: data.appUsername,
      statement: bootstrapSql(data.appUsername, userLogin),
      vpc,
      vpcSubnets: appSubnets,
      logsKey: keys.logs,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retainLogs: retainData,
    });

    const appUser = new RotatingDatabaseUserSecret(this, 'AppUser', {
      cluster: database.cluster,
      masterSecret: database.masterSecret,
      username: data.appUsername,
      databaseName: data.databaseName,
      encryptionKey: keys.secrets,
      rotationFunction: rotation,
      rotationInterval: Duration.days(data.rotationDays),
      description: `Tessera ${config.envName}: payment API database user (rotated every ${data.rotationDays} days)`,
    });
    // The first rotation runs at deployment and needs the base role the bootstrap creates.
    appUser.rotationSchedule.node.addDependency(bootstrap);

    // The database's client group: admitted here to the proxy and the cluster, only attached (imported immutable)
    // by the app tier, so no rule of the app tier lands in this stack and nothing here points at the app tier.
    const service = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc,
      // One description in both modes: a change would replace the group, whose id the app tier imports.
      description: 'Payment service database client: PostgreSQL to the proxy and the cluster only',
      allowAllOutbound: false,
    });
    database.allowPostgresFrom(service, 'PostgreSQL from the service');
    let proxy: PostgresProxy | undefined;
    if (data.proxy) {
      proxy = new PostgresProxy(this, 'Proxy', {
        vpc,
        vpcSubnets: dataSubnets,
        database,
        secrets: [appUser.secret],
        secretsKey: keys.secrets,
        proxyName,
      });
      proxy.connections.allowFrom(service, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL from the service');
      this.databaseAccess = appUser.accessThrough(proxy, service);
    } else {
      // The rotation checks the users with IAM tokens, as the service logs in.
      for (const user of appUser.usernames) database.cluster.grantConnect(rotation.function, user);
      this.databaseAccess = appUser.accessDirect(database, service);
    }

    if (config.peering.enabled) {
      this.analyticsReader = this.analyticsReadRole(props, database, rotation);
    }

    const backupPlan = new DatabaseBackupPlan(this, 'Backup', {
      cluster: database.cluster,
      vaultKey: keys.backups,
      drVaultArn: drBackupVaultArn(config),
      continuousRetention: Duration.days(data.backup.continuousRetentionDays),
      dailyRetention: Duration.days(data.backup.dailyRetentionDays),
      dailyCopyRetention: Duration.days(data.backup.dailyCopyRetentionDays),
      monthlyRetention:
        data.backup.monthlyRetentionDays > 0 ? Duration.days(data.backup.monthlyRetentionDays) : undefined,
      drCopyIntervalHours: data.backup.drCopyIntervalHours,
      intervalRetention: Duration.days(data.backup.intervalRetentionDays),
      retainData,
      planName: `tessera-${config.envName}-database`,
    });
    new BackupJobAlerts(this, 'BackupAlerts', {
      backupVaultName: backupPlan.vault.backupVaultName,
      backupVaultArn: backupPlan.vault.backupVaultArn,
      copyDestinationVaultArns: [drBackupVaultArn(config)],
      topic: props.alertTopic,
    });

    this.monitoring = {
      databases: [
        {
          label: 'Database',
          clusterIdentifier: database.cluster.clusterIdentifier,
          maxConnections:
            data.engine.mode === 'provisioned'
              ? auroraPostgresMaxConnections(data.engine.instanceClass)
              : auroraServerlessMaxConnections(data.engine.maxCapacity),
          readers: data.engine.readers,
          ...(proxy ? { proxyName: proxy.proxy.dbProxyName } : {}),
        },
      ],
      functions: [{ label: 'SecretRotation', function: rotation.function }],
    };

    new CfnOutput(this, 'WriterEndpoint', {
      value: database.cluster.clusterEndpoint.hostname,
      description: 'Aurora writer endpoint (TLS, port 5432)',
    });
    new CfnOutput(this, 'ReaderEndpoint', {
      value: database.cluster.clusterReadEndpoint.hostname,
      description: 'Aurora reader endpoint (TLS, port 5432)',
    });
    if (proxy) {
      new CfnOutput(this, 'ProxyEndpoint', {
        value: proxy.proxy.endpoint,
        description: 'RDS Proxy endpoint for the payment service (TLS and IAM authentication required)',
      });
    }
    new CfnOutput(this, 'AppUserSecretArn', {
      value: appUser.secret.secretArn,
      description: 'ARN of the payment API database user secret (rotated; the value is never output)',
    });
    new CfnOutput(this, 'MasterSecretArn', {
      value: database.masterSecret.secretArn,
      description: 'ARN of the RDS-managed master user secret',
    });
  }

  /**
   * The analytics read role (ADR 0037): created NOLOGIN before its first rotation, its own secret under its own
   * key (both readable from the analytics account only through Secrets Manager), rotated by the same function,
   * and the cluster admitting the analytics private subnets on PostgreSQL. Its table grants come from the
   * Peering stack, after the payment API has migrated.
   */
  private analyticsReadRole(
    props: DataStackProps,
    database: AuroraPostgresCluster,
    rotation: SecretRotationFunction,
  ): AnalyticsReaderAccess {
    const { config, vpc, keys } = props;
    const { data, peering } = config;
    const retainData = config.removalPolicy === 'retain';
    const bootstrap = new DatabaseUserBootstrap(this, 'AnalyticsReaderBootstrap', {
      cluster: database.cluster,
      masterSecret: database.masterSecret,
      secretsKey: keys.secrets,
      databaseName: data.databaseName,
      username: peering.readerUsername,
      statement: readerRoleSql(peering.readerUsername),
      vpc,
      vpcSubnets: { subnetGroupName: 'app' },
      logsKey: keys.logs,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retainLogs: retainData,
    });
    const analyticsAccount = new iam.AccountPrincipal(config.accounts.analytics);
    const viaSecretsManager = {
      StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` },
    };
    const key = new kms.Key(this, 'AnalyticsReaderKey', {
      description:
        'Tessera analytics reader secret key: readable by the analytics account through Secrets Manager',
      alias: `alias/tessera/${config.envName}/analytics-reader`,
      enableKeyRotation: true,
      removalPolicy: toRemovalPolicy(config.removalPolicy),
      pendingWindow: Duration.days(30),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AnalyticsAccountDecryptsTheReaderSecret',
        principals: [analyticsAccount],
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: viaSecretsManager,
      }),
    );
    const reader = new RotatingDatabaseUserSecret(this, 'AnalyticsReader', {
      cluster: database.cluster,
      masterSecret: database.masterSecret,
      masterSecretKey: keys.secrets,
      username: peering.readerUsername,
      databaseName: data.databaseName,
      encryptionKey: key,
      rotationFunction: rotation,
      rotationInterval: Duration.days(data.rotationDays),
      description: `Tessera ${config.envName}: analytics read-only database user (rotated every ${data.rotationDays} days)`,
    });
    reader.rotationSchedule.node.addDependency(bootstrap);
    reader.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [analyticsAccount],
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: ['*'],
      }),
    );
    const analyticsPrivate = tierSubnetCidrs(
      config.network.vpcCidrs.analytics,
      TIER_OFFSETS.private,
      config.availabilityZones.length,
    );
    for (const cidr of analyticsPrivate) {
      database.allowPostgresFrom(
        ec2.Peer.ipv4(cidr),
        `PostgreSQL (reader) from the analytics private subnet ${cidr}`,
      );
    }
    new CfnOutput(this, 'AnalyticsReaderSecretArn', {
      value: reader.secret.secretArn,
      description: 'ARN of the analytics read-only database user secret (readable by the analytics account)',
    });
    return {
      clusterArn: database.cluster.clusterArn,
      databaseName: data.databaseName,
      masterSecret: database.masterSecret,
      masterSecretKey: keys.secrets,
      ownerRole: data.appUsername,
      readerRole: peering.readerUsername,
      secret: reader.secret,
    };
  }
}

function toCapacity(engine: EnvironmentConfig['data']['engine']): AuroraCapacity {
  return engine.mode === 'provisioned'
    ? {
        mode: 'provisioned',
        instanceType: new ec2.InstanceType(engine.instanceClass),
        readers: engine.readers,
      }
    : {
        mode: 'serverless',
        minCapacity: engine.minCapacity,
        maxCapacity: engine.maxCapacity,
        readers: engine.readers,
        ...(engine.minCapacity === 0 && engine.autoPauseSeconds !== undefined
          ? { autoPause: Duration.seconds(engine.autoPauseSeconds) }
          : {}),
      };
}
