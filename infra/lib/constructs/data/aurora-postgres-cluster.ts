import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { assertIdentifier, POSTGRES_PORT } from './postgres.js';

/** Writer + readers on a provisioned (memory-optimized) instance class. */
export interface ProvisionedCapacity {
  readonly mode: 'provisioned';
  /** Instance class of the writer and every reader, e.g. `r7g.large`. */
  readonly instanceType: ec2.InstanceType;
  /** Number of readers next to the writer (0–15). */
  readonly readers: number;
}

/** Writer + readers on Aurora Serverless v2. */
export interface ServerlessCapacity {
  readonly mode: 'serverless';
  /**
   * Minimum Aurora capacity units (0–256). 0 lets the instances pause when no connection is open; it needs an
   * engine version that supports it and nothing holding connections (no RDS Proxy).
   */
  readonly minCapacity: number;
  /** Maximum Aurora capacity units (0.5–256, ≥ minCapacity). */
  readonly maxCapacity: number;
  /** Number of readers next to the writer (0–15). */
  readonly readers: number;
  /**
   * With `minCapacity` 0: time without connections before the instances pause (5 minutes to 24 hours).
   * @default - RDS's default (5 minutes) when minCapacity is 0
   */
  readonly autoPause?: Duration;
}

export type AuroraCapacity = ProvisionedCapacity | ServerlessCapacity;

export interface AuroraPostgresClusterProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the database tier (isolated). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Lowercase cluster identifier, unique in the account and region; also names the log group. */
  readonly clusterIdentifier: string;
  /** Database created with the cluster. */
  readonly databaseName: string;
  readonly capacity: AuroraCapacity;
  /** Key for storage and Performance Insights encryption. */
  readonly dataKey: kms.IKey;
  /** Key for the RDS-managed master user secret. */
  readonly secretsKey: kms.IKey;
  /** Key for the exported PostgreSQL log group. */
  readonly logsKey: kms.IKey;
  /** Retention of the exported PostgreSQL log. */
  readonly logRetention: logs.RetentionDays;
  /** Automated backup retention (Aurora allows 1–35 days). */
  readonly backupRetention: Duration;
  /** Daily backup window, `hh24:mi-hh24:mi` UTC, at least 30 minutes, not overlapping the maintenance window. */
  readonly preferredBackupWindow: string;
  /** Weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` UTC. */
  readonly preferredMaintenanceWindow: string;
  /**
   * Keep the data when the stack or the cluster goes away: deletion protection, a final snapshot and a
   * retained log group. Otherwise the cluster and its log are destroyed with the stack.
   */
  readonly retainData: boolean;
  /**
   * Master user name; its password lives in the RDS-managed secret.
   * @default 'tessera_admin'
   */
  readonly masterUsername?: string;
  /**
   * Engine version.
   * @default AuroraPostgresEngineVersion.VER_17_9
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Create the cluster from this DB cluster snapshot (name or ARN) instead of empty: a restore in place (with a
   * new `clusterIdentifier`) or in the DR region from a copied recovery point. See docs/runbooks/restore.md.
   * @default - a new, empty cluster with `databaseName`
   */
  readonly snapshotIdentifier?: string;
  /**
   * Turn on the RDS Data API (IAM-authorized SQL over HTTPS, used for the one-time user bootstrap).
   * @default false
   */
  readonly enableDataApi?: boolean;
  /**
   * Enhanced monitoring interval.
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;
}

const MAX_READERS = 15;
const MIN_BACKUP_DAYS = 1;
const MAX_BACKUP_DAYS = 35;
const MIN_ACU = 0;
const MAX_ACU = 256;
const MIN_AUTO_PAUSE_SECONDS = 300;
const MAX_AUTO_PAUSE_SECONDS = 86400;
/** The first minor of each major that scales to 0 ACU (Aurora User Guide, "Scaling to zero ACUs"). */
const ZERO_ACU_MINIMUM_MINOR: Readonly<Record<number, number>> = { 13: 15, 14: 12, 15: 7, 16: 3 };
const ZERO_ACU_ALL_MINORS_FROM_MAJOR = 17;

/**
 * Aurora PostgreSQL cluster for payment data: encrypted storage, TLS-only connections, IAM database
 * authentication, pgaudit, Performance Insights, enhanced monitoring, exported logs and an RDS-managed
 * master secret. Its security group starts with no ingress and no egress: callers are admitted with
 * `connections.allowDefaultPortFrom(...)`.
 */
export class AuroraPostgresCluster extends Construct implements ec2.IConnectable {
  readonly cluster: rds.DatabaseCluster | rds.DatabaseClusterFromSnapshot;
  readonly connections: ec2.Connections;
  readonly securityGroup: ec2.SecurityGroup;
  /** The RDS-managed master user secret (read-only for us: RDS rotates it). */
  readonly masterSecret: secretsmanager.ISecret;
  readonly logGroup: logs.LogGroup;
  readonly databaseName: string;
  readonly engine: rds.IClusterEngine;
  readonly port = POSTGRES_PORT;

  constructor(scope: Construct, id: string, props: AuroraPostgresClusterProps) {
    super(scope, id);
    validate(props);
    this.databaseName = props.databaseName;

    const version = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_9;
    if (props.capacity.mode === 'serverless' && props.capacity.minCapacity === 0) {
      assertScalesToZero(version.auroraPostgresFullVersion);
    }
    const engine = (this.engine = rds.DatabaseClusterEngine.auroraPostgres({ version }));

    const parameterGroup = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine,
      description: 'Tessera: TLS only, connection logging, pgaudit for DDL and role changes',
      parameters: {
        'rds.force_ssl': '1',
        ssl_min_protocol_version: 'TLSv1.2',
        log_connections: '1',
        log_disconnections: '1',
        shared_preload_libraries: 'pg_stat_statements,pgaudit',
        'pgaudit.log': 'ddl,role',
        'pgaudit.log_parameter': '0',
      },
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora PostgreSQL: 5432 only from the proxy, the rotation function and the service',
      allowAllOutbound: false,
    });

    // RDS exports to /aws/rds/cluster/<id>/postgresql; creating the group ourselves gives it the KMS key and
    // the retention without the log-retention custom resource.
    this.logGroup = new logs.LogGroup(this, 'PostgresqlLog', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const instanceDefaults = {
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      enablePerformanceInsights: true,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      performanceInsightEncryptionKey: props.dataKey,
    };
    const capacity = props.capacity;
    const writer =
      capacity.mode === 'provisioned'
        ? rds.ClusterInstance.provisioned('Writer', {
            ...instanceDefaults,
            instanceType: capacity.instanceType,
          })
        : rds.ClusterInstance.serverlessV2('Writer', instanceDefaults);
    const readers = Array.from({ length: capacity.readers }, (_, index) =>
      capacity.mode === 'provisioned'
        ? rds.ClusterInstance.provisioned(`Reader${index + 1}`, {
            ...instanceDefaults,
            instanceType: capacity.instanceType,
            promotionTier: 1,
          })
        : rds.ClusterInstance.serverlessV2(`Reader${index + 1}`, {
            ...instanceDefaults,
            scaleWithWriter: true,
          }),
    );

    const common = {
      engine,
      clusterIdentifier: props.clusterIdentifier,
      writer,
      readers,
      ...(capacity.mode === 'serverless'
        ? {
            serverlessV2MinCapacity: capacity.minCapacity,
            serverlessV2MaxCapacity: capacity.maxCapacity,
            ...(capacity.autoPause ? { serverlessV2AutoPauseDuration: capacity.autoPause } : {}),
          }
        : {}),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: props.dataKey,
      iamAuthentication: true,
      enableDataApi: props.enableDataApi ?? false,
      enablePerformanceInsights: true,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      performanceInsightEncryptionKey: props.dataKey,
      monitoringInterval: props.monitoringInterval ?? Duration.seconds(60),
      cloudwatchLogsExports: ['postgresql'],
      autoMinorVersionUpgrade: true,
      backup: { retention: props.backupRetention, preferredWindow: props.preferredBackupWindow },
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      port: POSTGRES_PORT,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: !props.retainData,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      instanceUpdateBehaviour: rds.InstanceUpdateBehaviour.ROLLING,
      manageMasterUserPassword: true,
    } satisfies Partial<rds.DatabaseClusterProps>;

    if (props.snapshotIdentifier === undefined) {
      this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        defaultDatabaseName: props.databaseName,
        credentials: rds.Credentials.fromUsername(props.masterUsername ?? 'tessera_admin', {
          encryptionKey: props.secretsKey,
        }),
      });
    } else {
      // The snapshot brings its database, roles and master user name; RDS takes over the master password
      // (a new managed secret under the secrets key) and re-encrypts the storage with the data key.
      this.cluster = new rds.DatabaseClusterFromSnapshot(this, 'Cluster', {
        ...common,
        snapshotIdentifier: props.snapshotIdentifier,
      });
    }
    this.cluster.node.addDependency(this.logGroup);

    const cfnCluster = this.cluster.node.defaultChild as rds.CfnDBCluster;
    cfnCluster.addPropertyOverride('MasterUserSecret.KmsKeyId', props.secretsKey.keyArn);
    const masterSecret =
      this.cluster.secret ??
      secretsmanager.Secret.fromSecretAttributes(this, 'MasterSecret', {
        secretCompleteArn: cfnCluster.attrMasterUserSecretSecretArn,
      });
    this.masterSecret = masterSecret;
    this.connections = this.cluster.connections;

    if (!props.retainData) {
      const reason =
        'Deletion protection is on wherever data is retained (prod); this environment holds no cardholder data and is torn down with its stack by design (removal policy destroy)';
      acknowledge(
        this.cluster,
        ['AwsSolutions-RDS10', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled'],
        reason,
      );
    }
    acknowledge(
      this.cluster.node.findChild('MonitoringRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS requires for enhanced monitoring; it only lets the RDS monitoring agent write OS metrics to the RDSOSMetrics log group',
    );
  }

  /** Admits PostgreSQL (5432) from `peer` and, when the peer's egress is restricted, lets it out to the cluster. */
  allowPostgresFrom(peer: ec2.IConnectable, description: string): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(POSTGRES_PORT), description);
  }
}

function validate(props: AuroraPostgresClusterProps): void {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(props.clusterIdentifier) || props.clusterIdentifier.endsWith('-')) {
    throw new Error(
      `aurora cluster: clusterIdentifier "${props.clusterIdentifier}" must be 1-63 lowercase letters, digits or hyphens, starting with a letter`,
    );
  }
  assertIdentifier('aurora cluster: databaseName', props.databaseName);
  const { readers } = props.capacity;
  if (!Number.isInteger(readers) || readers < 0 || readers > MAX_READERS) {
    throw new Error(`aurora cluster: readers ${readers} must be an integer from 0 to ${MAX_READERS}`);
  }
  if (props.capacity.mode === 'serverless') {
    const { minCapacity, maxCapacity, autoPause } = props.capacity;
    if (minCapacity < MIN_ACU || maxCapacity > MAX_ACU || minCapacity > maxCapacity) {
      throw new Error(
        `aurora cluster: serverless capacity ${minCapacity}-${maxCapacity} ACU must satisfy ${MIN_ACU} <= min <= max <= ${MAX_ACU}`,
      );
    }
    if (autoPause !== undefined) {
      const seconds = autoPause.toSeconds();
      if (minCapacity !== 0) {
        throw new Error(
          `aurora cluster: autoPause applies only with minCapacity 0 (got minCapacity ${minCapacity})`,
        );
      }
      if (seconds < MIN_AUTO_PAUSE_SECONDS || seconds > MAX_AUTO_PAUSE_SECONDS) {
        throw new Error(
          `aurora cluster: autoPause ${seconds} seconds must be from ${MIN_AUTO_PAUSE_SECONDS} to ${MAX_AUTO_PAUSE_SECONDS} (5 minutes to 24 hours)`,
        );
      }
    }
  }
  const days = props.backupRetention.toDays();
  if (!Number.isInteger(days) || days < MIN_BACKUP_DAYS || days > MAX_BACKUP_DAYS) {
    throw new Error(
      `aurora cluster: backupRetention ${days} days must be a whole number of days from ${MIN_BACKUP_DAYS} to ${MAX_BACKUP_DAYS}`,
    );
  }
}

/** Throws unless Aurora PostgreSQL `fullVersion` (e.g. `16.3`) can scale Serverless v2 to 0 ACU. */
export function assertScalesToZero(fullVersion: string): void {
  const [major = NaN, minor = NaN] = fullVersion.split('.').map(Number);
  const firstMinor = ZERO_ACU_MINIMUM_MINOR[major];
  const supported =
    major >= ZERO_ACU_ALL_MINORS_FROM_MAJOR || (firstMinor !== undefined && minor >= firstMinor);
  if (!supported) {
    throw new Error(
      `aurora cluster: minCapacity 0 (auto-pause) needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or a later minor (or 17+); engine version is ${fullVersion}`,
    );
  }
}
