import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { describe, expect, it } from 'vitest';
import { assertScalesToZero } from '../../../lib/constructs/data/aurora-postgres-cluster.js';
import { auroraCluster, dataFixture, logicalId } from '../../support/data.js';

describe('AuroraPostgresCluster (provisioned, retained)', () => {
  const f = dataFixture();
  auroraCluster(f);
  const template = Template.fromStack(f.stack);
  const keyId = (prefix: string): unknown => ({
    'Fn::GetAtt': [logicalId(template.findResources('AWS::KMS::Key'), prefix), 'Arn'],
  });

  it('encrypts storage and Performance Insights with the data key and turns on IAM authentication', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^1[67]\\.'),
      StorageEncrypted: true,
      KmsKeyId: keyId('DataKey'),
      EnableIAMDatabaseAuthentication: true,
      PerformanceInsightsEnabled: true,
      PerformanceInsightsKmsKeyId: keyId('DataKey'),
      AutoMinorVersionUpgrade: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      Port: 5432,
    });
  });

  it('lets RDS manage the master password in a secret under the secrets key, with no password in the template', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: keyId('SecretsKey') },
      MasterUserPassword: Match.absent(),
    });
    expect(JSON.stringify(template.toJSON()).includes('"MasterUserPassword"')).toBe(false);
  });

  it('forces TLS, logs connections and audits DDL and role changes with pgaudit', () => {
    const groups = Object.values(template.findResources('AWS::RDS::DBClusterParameterGroup'));
    expect(groups).toHaveLength(1);
    const parameters = groups[0]?.Properties.Parameters as Record<string, string>;
    expect(parameters).toMatchObject({
      'rds.force_ssl': '1',
      log_connections: '1',
      log_disconnections: '1',
      'pgaudit.log': 'ddl,role',
      'pgaudit.log_parameter': '0',
    });
    expect(parameters['shared_preload_libraries']?.split(',')).toContain('pgaudit');
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterParameterGroupName: {
        Ref: logicalId(template.findResources('AWS::RDS::DBClusterParameterGroup'), 'Db'),
      },
    });
  });

  it('runs a writer and two readers of the given class, private, monitored and auto-upgraded', () => {
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances.map((i) => i.Properties.PromotionTier).sort()).toEqual([0, 1, 1]);
    for (const instance of instances) {
      expect(instance.Properties).toMatchObject({
        DBInstanceClass: 'db.r7g.large',
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        MonitoringInterval: 60,
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: keyId('DataKey'),
      });
    }
  });

  it('keeps 35 days of backups in the given window and protects the data on deletion', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        BackupRetentionPeriod: 35,
        PreferredBackupWindow: '03:00-04:00',
        PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
        DeletionProtection: true,
        DeleteAutomatedBackups: false,
      }),
    });
  });

  it('places the cluster in the data tier subnets', () => {
    const subnetGroup = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'))[0];
    const ids = (subnetGroup?.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref);
    expect(ids.length).toBe(2);
    expect(ids.every((id) => id.startsWith('Vpcdata'))).toBe(true);
  });

  it('exports the PostgreSQL log to a KMS-encrypted log group with the given retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/rds/cluster/tessera-test-payments/postgresql',
      KmsKeyId: keyId('LogsKey'),
      RetentionInDays: 365,
    });
  });

  it('starts with a security group that admits nothing and sends nothing', () => {
    const group = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) =>
      id.startsWith('DbSecurityGroup'),
    )?.[1];
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    // CDK's marker for "no egress": one rule to an address that cannot exist.
    expect(group?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' }),
    ]);
    expect(template.findResources('AWS::EC2::SecurityGroupIngress')).toEqual({});
  });
});

describe('AuroraPostgresCluster (serverless v2, destroyable)', () => {
  const f = dataFixture();
  auroraCluster(f, {
    capacity: { mode: 'serverless', minCapacity: 0.5, maxCapacity: 4, readers: 0 },
    retainData: false,
    backupRetention: Duration.days(7),
  });
  const template = Template.fromStack(f.stack);

  it('scales between the given ACU with a single serverless writer', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
      BackupRetentionPeriod: 7,
    });
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances.map((i) => i.Properties.DBInstanceClass)).toEqual(['db.serverless']);
  });

  it('tears down cleanly: no deletion protection, no final snapshot, log group deleted', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: false, DeleteAutomatedBackups: true }),
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });
});

describe('AuroraPostgresCluster at 0 ACU (auto-pause)', () => {
  const f = dataFixture();
  auroraCluster(f, {
    capacity: {
      mode: 'serverless',
      minCapacity: 0,
      maxCapacity: 2,
      readers: 0,
      autoPause: Duration.minutes(15),
    },
    retainData: false,
    backupRetention: Duration.days(7),
  });
  const template = Template.fromStack(f.stack);

  it('scales from 0 ACU and pauses after the given time without connections', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 900 },
    });
  });

  const attempt =
    (capacity: Record<string, unknown>, engineVersion?: rds.AuroraPostgresEngineVersion) => () =>
      auroraCluster(dataFixture(), {
        capacity: { mode: 'serverless', minCapacity: 0, maxCapacity: 2, readers: 0, ...capacity },
        ...(engineVersion ? { engineVersion } : {}),
      });

  it('refuses an engine version that cannot scale to 0 ACU, naming the versions that can', () => {
    expect(attempt({}, rds.AuroraPostgresEngineVersion.VER_16_2)).toThrow(
      /minCapacity 0 \(auto-pause\) needs Aurora PostgreSQL 13\.15, 14\.12, 15\.7, 16\.3.*engine version is 16\.2/,
    );
    expect(attempt({}, rds.AuroraPostgresEngineVersion.VER_16_3)).not.toThrow();
  });

  it('knows the first minor of each major that scales to 0 ACU', () => {
    for (const ok of ['13.15', '13.20', '14.12', '15.7', '15.10', '16.3', '16.8', '17.1', '17.9']) {
      expect(() => assertScalesToZero(ok), ok).not.toThrow();
    }
    for (const no of ['12.22', '13.14', '14.11', '15.6', '16.2', 'x']) {
      expect(() => assertScalesToZero(no), no).toThrow(/needs Aurora PostgreSQL/);
    }
  });

  it('refuses an auto-pause outside 5 minutes to 24 hours, and one without minCapacity 0', () => {
    expect(attempt({ autoPause: Duration.seconds(299) })).toThrow(
      /autoPause 299 seconds must be from 300 to 86400/,
    );
    expect(attempt({ autoPause: Duration.hours(25) })).toThrow(/autoPause 90000 seconds/);
    expect(attempt({ minCapacity: 0.5, autoPause: Duration.minutes(10) })).toThrow(
      /autoPause applies only with minCapacity 0 \(got minCapacity 0\.5\)/,
    );
  });
});

describe('AuroraPostgresCluster restored from a snapshot', () => {
  const f = dataFixture();
  const db = auroraCluster(f, {
    clusterIdentifier: 'tessera-test-payments-r1',
    snapshotIdentifier: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:awsbackup:job-1234',
  });
  const template = Template.fromStack(f.stack);

  it('restores the snapshot into a cluster with the same protections and a new managed master secret', () => {
    const cluster = Object.values(template.findResources('AWS::RDS::DBCluster'))[0]?.Properties;
    expect(cluster).toMatchObject({
      SnapshotIdentifier: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:awsbackup:job-1234',
      DBClusterIdentifier: 'tessera-test-payments-r1',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [logicalId(template.findResources('AWS::KMS::Key'), 'DataKey'), 'Arn'] },
      ManageMasterUserPassword: true,
      MasterUserSecret: {
        KmsKeyId: { 'Fn::GetAtt': [logicalId(template.findResources('AWS::KMS::Key'), 'SecretsKey'), 'Arn'] },
      },
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
    });
    // Database and master user come from the snapshot.
    expect(cluster?.DatabaseName).toBeUndefined();
    expect(cluster?.MasterUsername).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::RDS::DBInstance'))).toHaveLength(3);
    // The restored cluster's master secret is the one RDS creates for it, read from the cluster.
    expect(f.stack.resolve(db.masterSecret.secretArn)).toEqual({
      'Fn::GetAtt': [
        logicalId(template.findResources('AWS::RDS::DBCluster'), 'Db'),
        'MasterUserSecret.SecretArn',
      ],
    });
  });
});

describe('AuroraPostgresCluster validation', () => {
  const attempt = (overrides: Parameters<typeof auroraCluster>[1]) => () =>
    auroraCluster(dataFixture(), overrides);

  it('rejects more than 15 readers', () => {
    expect(
      attempt({
        capacity: { mode: 'provisioned', instanceType: new ec2.InstanceType('r7g.large'), readers: 16 },
      }),
    ).toThrow(/readers 16 must be an integer from 0 to 15/);
  });

  it('rejects a serverless range whose minimum exceeds its maximum', () => {
    expect(attempt({ capacity: { mode: 'serverless', minCapacity: 8, maxCapacity: 4, readers: 0 } })).toThrow(
      /serverless capacity 8-4 ACU/,
    );
  });

  it('rejects backup retention beyond what Aurora allows', () => {
    expect(attempt({ backupRetention: Duration.days(36) })).toThrow(/backupRetention 36 days.*from 1 to 35/);
  });

  it('rejects a cluster identifier RDS would refuse', () => {
    expect(attempt({ clusterIdentifier: 'Tessera_Prod' })).toThrow(/clusterIdentifier "Tessera_Prod"/);
  });
});
