import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RDS_CA_BUNDLE_IN_IMAGE } from '../../lib/constructs/compute/payment-api-runtime.js';
import { drBackupVaultArn } from '../../lib/stacks/data-dr-stack.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// Property tests skip the cdk-nag packs for speed; compliance.test.ts synthesizes every environment with them.
const NO_GATE = { complianceGate: false } as const;

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};

function resources(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.findResources(type)) as [string, Resource][];
}

function only(t: Template, type: string): Resource {
  const found = resources(t, type);
  expect(found, type).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
}

/** The one resource of `type` whose logical id starts with `prefix` (the analytics read role adds a second user). */
function named(t: Template, type: string, prefix: string): [string, Resource] {
  const found = resources(t, type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} ${prefix}*`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** The logical id a security group of the data stack is referenced by in rules. */
function groupRef(t: Template, prefix: string): unknown {
  const ids = resources(t, 'AWS::EC2::SecurityGroup')
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  return { 'Fn::GetAtt': [ids[0], 'GroupId'] };
}

/** [source, port] pairs admitted by the security group with the given logical-id prefix. */
function ingressSources(t: Template, prefix: string): [unknown, unknown][] {
  const target = JSON.stringify(groupRef(t, prefix));
  return resources(t, 'AWS::EC2::SecurityGroupIngress')
    .map(([, r]) => r.Properties)
    .filter((p) => JSON.stringify(p['GroupId']) === target)
    .map((p) => [p['SourceSecurityGroupId'] ?? p['CidrIp'] ?? p['SourcePrefixListId'], p['FromPort']]);
}

describe('DataStack (prod)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', {}, NO_GATE);
    t = env.template(env.stacks.data);
  });

  it('encrypts the cluster and Performance Insights with the security stack data key and turns on IAM auth', () => {
    const cluster = only(t, 'AWS::RDS::DBCluster').Properties;
    expect(cluster).toMatchObject({
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      ManageMasterUserPassword: true,
      AutoMinorVersionUpgrade: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      EngineVersion: expect.stringMatching(/^1[67]\./),
    });
    const dataKey = JSON.stringify(cluster['KmsKeyId']);
    expect(dataKey).toMatch(/Tessera-prod-Security.*KeysData/);
    expect(JSON.stringify(cluster['PerformanceInsightsKmsKeyId'])).toBe(dataKey);
    expect(JSON.stringify(cluster['MasterUserSecret'])).toMatch(/KeysSecrets/);
  });

  it('forces TLS and audits DDL and role changes through the cluster parameter group', () => {
    const parameters = only(t, 'AWS::RDS::DBClusterParameterGroup').Properties['Parameters'] as Record<
      string,
      string
    >;
    expect(parameters).toMatchObject({
      'rds.force_ssl': '1',
      log_connections: '1',
      log_disconnections: '1',
      'pgaudit.log': 'ddl,role',
    });
    expect(parameters['shared_preload_libraries']?.split(',')).toContain('pgaudit');
  });

  it('runs a writer and two memory-optimized readers in the data tier', () => {
    const instances = resources(t, 'AWS::RDS::DBInstance').map(([, r]) => r.Properties);
    expect(instances).toHaveLength(3);
    for (const i of instances) expect(i['DBInstanceClass']).toMatch(/^db\.r[67]g\./);
    const subnets = JSON.stringify(only(t, 'AWS::RDS::DBSubnetGroup').Properties['SubnetIds']);
    expect(subnets).toMatch(/dataSubnet1/);
    expect(subnets).not.toMatch(/appSubnet|publicSubnet/);
  });

  it('keeps 35 days of backups, with deletion protection and a final snapshot', () => {
    const cluster = only(t, 'AWS::RDS::DBCluster');
    expect(cluster.Properties).toMatchObject({ BackupRetentionPeriod: 35, DeletionProtection: true });
    expect(cluster.DeletionPolicy).toBe('Snapshot');
  });

  it('rotates the payment API user secret every 30 days with our nodejs22.x function in the app tier', () => {
    const [, schedule] = named(t, 'AWS::SecretsManager::RotationSchedule', 'AppUserRotation');
    expect(schedule.Properties['RotationRules']).toEqual({ ScheduleExpression: 'rate(30 days)' });
    const [fnId, fn] = resources(t, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('RotationFunction'),
    ) as [string, Resource];
    expect(schedule.Properties['RotationLambdaARN']).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const vpcConfig = fn.Properties['VpcConfig'] as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    expect(JSON.stringify(vpcConfig.SubnetIds)).toMatch(/appSubnet1/);
    expect(vpcConfig.SecurityGroupIds).toEqual([groupRef(t, 'RotationSecurityGroup')]);
  });

  it('bootstraps the base role before the first rotation', () => {
    const [, schedule] = named(t, 'AWS::SecretsManager::RotationSchedule', 'AppUserRotation');
    const [bootstrapId, bootstrap] = named(t, 'Custom::AWS', 'AppUserBootstrap');
    expect(schedule.DependsOn).toContain(bootstrapId);
    expect(JSON.stringify(bootstrap.Properties['Create'])).toContain('CREATE ROLE payment_api NOLOGIN');
  });

  it('puts a proxy that requires TLS and IAM authentication in front of the cluster', () => {
    t.hasResourceProperties('AWS::RDS::DBProxy', {
      DBProxyName: 'tessera-prod-payments',
      RequireTLS: true,
      DebugLogging: false,
      Auth: [Match.objectLike({ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED' })],
    });
  });

  it('admits PostgreSQL to the cluster only from the proxy, the rotation function and the service', () => {
    const sources = ingressSources(t, 'DatabaseSecurityGroup');
    expect(sources).toHaveLength(3);
    expect(sources).toEqual(
      expect.arrayContaining([
        [groupRef(t, 'ProxySecurityGroup'), 5432],
        [groupRef(t, 'RotationSecurityGroup'), 5432],
        [groupRef(t, 'ServiceSecurityGroup'), 5432],
      ]),
    );
    expect(ingressSources(t, 'ProxySecurityGroup')).toEqual([[groupRef(t, 'ServiceSecurityGroup'), 5432]]);
    expect(ingressSources(t, 'ServiceSecurityGroup')).toEqual([]);
    expect(ingressSources(t, 'RotationSecurityGroup')).toEqual([]);
  });

  it('hands the compute tier one database access: proxy endpoint, database, owner role, user secret, client group', () => {
    const access = env.stacks.data.databaseAccess;
    const data = env.stacks.data;
    const logicalId = (type: string, prefix: string) => {
      const [id] = resources(t, type).find(([rid]) => rid.startsWith(prefix)) ?? [];
      return id;
    };
    expect(data.resolve(access.endpoint)).toEqual({
      'Fn::GetAtt': [logicalId('AWS::RDS::DBProxy', 'Proxy'), 'Endpoint'],
    });
    expect(data.resolve(access.secret.secretArn)).toEqual({
      Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', 'AppUser'),
    });
    expect(data.resolve(access.securityGroup.securityGroupId)).toEqual({
      'Fn::GetAtt': [logicalId('AWS::EC2::SecurityGroup', 'ServiceSecurityGroup'), 'GroupId'],
    });
    expect([access.port, access.databaseName, access.ownerRole]).toEqual([5432, 'tessera', 'payment_api']);
  });

  it('copies backups to the vault of the DR stack, which lives in the DR region', () => {
    const arn = drBackupVaultArn(env.config);
    expect(arn).toBe(
      'arn:aws:backup:us-west-2:' + env.config.accounts.payment + ':backup-vault:tessera-prod-db-dr',
    );
    const rules = only(t, 'AWS::Backup::BackupPlan').Properties['BackupPlan'] as {
      BackupPlanRule: {
        RuleName: string;
        EnableContinuousBackup?: boolean;
        CopyActions?: { DestinationBackupVaultArn: string }[];
        ScheduleExpression: string;
        Lifecycle: { DeleteAfterDays: number };
      }[];
    };
    expect(rules.BackupPlanRule).toContainEqual(
      expect.objectContaining({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } }),
    );
    const hourly = rules.BackupPlanRule.find((r) => r.ScheduleExpression === 'cron(15 */1 * * ? *)');
    expect(hourly?.CopyActions?.[0]?.DestinationBackupVaultArn).toBe(arn);
    const dr = env.stacks.dataDr;
    expect(dr.region).toBe(env.config.regions.dr);
    env.template(dr).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'tessera-prod-db-dr',
      EncryptionKeyArn: Match.anyValue(),
    });
    expect(env.stacks.data.dependencies).toContain(dr);
  });

  it('alerts the operations topic when a backup or copy job of the vault fails', () => {
    const rule = only(t, 'AWS::Events::Rule').Properties;
    expect(JSON.stringify(rule['Targets'])).toMatch(/Tessera-prod-Security:.*AlertsOperations/);
    expect(JSON.stringify(rule['EventPattern'])).toContain('Copy Job State Change');
  });

  it('outputs endpoints and secret ARNs, never a secret value', () => {
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'WriterEndpoint',
        'ReaderEndpoint',
        'ProxyEndpoint',
        'AppUserSecretArn',
        'MasterSecretArn',
      ]),
    );
    expect(JSON.stringify(outputs)).not.toMatch(/SecretString|password|resolve:secretsmanager/i);
  });
});

describe('DataStack (staging and dev)', () => {
  it('staging runs a writer and one reader and keeps 14 days of backups', () => {
    const env = synthEnvironment('staging', {}, NO_GATE);
    const t = env.template(env.stacks.data);
    expect(resources(t, 'AWS::RDS::DBInstance')).toHaveLength(2);
    expect(only(t, 'AWS::RDS::DBCluster').Properties['BackupRetentionPeriod']).toBe(14);
  });

  it('dev runs a small Serverless v2 writer that pauses when idle and is torn down with its stack', () => {
    const env = synthEnvironment('dev', {}, NO_GATE);
    const t = env.template(env.stacks.data);
    const cluster = only(t, 'AWS::RDS::DBCluster');
    expect(cluster.Properties).toMatchObject({
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 900 },
      BackupRetentionPeriod: 7,
      DeletionProtection: false,
    });
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(resources(t, 'AWS::RDS::DBInstance').map(([, r]) => r.Properties['DBInstanceClass'])).toEqual([
      'db.serverless',
    ]);
  });

  it('config overrides reach the stack (rotation period, readers)', () => {
    const env = synthEnvironment('staging', { data: { rotationDays: 7, engine: { readers: 2 } } }, NO_GATE);
    const t = env.template(env.stacks.data);
    expect(
      named(t, 'AWS::SecretsManager::RotationSchedule', 'AppUserRotation')[1].Properties['RotationRules'],
    ).toEqual({
      ScheduleExpression: 'rate(7 days)',
    });
    expect(resources(t, 'AWS::RDS::DBInstance')).toHaveLength(3);
  });
});

describe('DataStack without RDS Proxy (dev default, data.proxy false)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('dev', {}, NO_GATE);
    t = env.template(env.stacks.data);
  });
  const logicalId = (type: string, prefix: string): string => {
    const [id] = resources(t, type).find(([rid]) => rid.startsWith(prefix)) ?? [];
    expect(id, `${type} ${prefix}*`).toBeDefined();
    return id as string;
  };

  it('creates no proxy and admits the service group on 5432 to the cluster itself', () => {
    expect(resources(t, 'AWS::RDS::DBProxy')).toEqual([]);
    expect(resources(t, 'AWS::RDS::DBProxyTargetGroup')).toEqual([]);
    expect(ingressSources(t, 'DatabaseSecurityGroup')).toEqual(
      expect.arrayContaining([
        [groupRef(t, 'ServiceSecurityGroup'), 5432],
        [groupRef(t, 'RotationSecurityGroup'), 5432],
      ]),
    );
    expect(ingressSources(t, 'DatabaseSecurityGroup')).toHaveLength(2);
    const egress = resources(t, 'AWS::EC2::SecurityGroupEgress')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p['GroupId']) === JSON.stringify(groupRef(t, 'ServiceSecurityGroup')));
    expect(egress.map((p) => [p['DestinationSecurityGroupId'], p['FromPort'], p['ToPort']])).toEqual([
      [groupRef(t, 'DatabaseSecurityGroup'), 5432, 5432],
    ]);
    expect(Object.keys(t.findOutputs('ProxyEndpoint'))).toEqual([]);
  });

  it('hands the compute tier the writer endpoint, verified against the RDS CA bundle', () => {
    const access = env.stacks.data.databaseAccess;
    expect(env.stacks.data.resolve(access.endpoint)).toEqual({
      'Fn::GetAtt': [logicalId('AWS::RDS::DBCluster', 'DatabaseCluster'), 'Endpoint.Address'],
    });
    expect(access.certificateAuthority).toBe('rds');
    expect([access.port, access.databaseName, access.ownerRole]).toEqual([5432, 'tessera', 'payment_api']);
    const cluster = only(t, 'AWS::RDS::DBCluster').Properties;
    expect(cluster['EnableIAMDatabaseAuthentication']).toBe(true);
  });

  it('points the payment API at the writer endpoint with the RDS CA bundle of its image', () => {
    const app = env.template(env.stacks.app);
    const task = Object.values(app.findResources('AWS::ECS::TaskDefinition'))[0] as Resource;
    const [container] = task.Properties['ContainerDefinitions'] as {
      Environment: { Name: string; Value: unknown }[];
    }[];
    const vars = Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(vars).toMatchObject({
      DATABASE_AUTH: 'iam',
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: RDS_CA_BUNDLE_IN_IMAGE,
    });
    expect(JSON.stringify(vars['PGHOST'])).toMatch(/Fn::ImportValue.*DatabaseCluster.*EndpointAddress/);
  });

  it('grants rds-db:connect on the cluster resource id for both alternating users to the service', () => {
    const app = env.template(env.stacks.app);
    const statements = Object.values(app.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as Resource).Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] },
    );
    const connect = statements
      .flatMap((d) => d.Statement)
      .filter((st) => JSON.stringify(st['Action']) === '"rds-db:connect"');
    const text = JSON.stringify(connect);
    expect(text).toContain(':dbuser:');
    expect(text).toMatch(/DBClusterResourceId/);
    expect(text).toContain('/payment_api"');
    expect(text).toContain('/payment_api_clone"');
    expect(text).not.toMatch(/prx-|DBProxy/);
  });

  it('bootstraps the base role with rds_iam and lets the rotation check the users with IAM tokens', () => {
    const [, bootstrap] = named(t, 'Custom::AWS', 'AppUserBootstrap');
    expect(JSON.stringify(bootstrap.Properties['Create'])).toContain('GRANT rds_iam TO payment_api;');
    const fn = resources(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RotationFunction'));
    expect(fn?.[1].Properties['Environment']).toEqual({
      Variables: expect.objectContaining({ DB_TLS: 'verify-full', DB_USER_AUTH: 'iam' }),
    });
    const rotationPolicies = resources(t, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('Rotation'));
    const text = JSON.stringify(rotationPolicies.map(([, r]) => r.Properties['PolicyDocument']));
    expect(text).toContain('rds-db:connect');
    expect(text).toContain('/payment_api_clone"');
  });

  it('with the proxy on, the users keep their password logins and the rotation signs no tokens', () => {
    const withProxy = synthEnvironment(
      'dev',
      { data: { proxy: true, engine: { minCapacity: 0.5 } } },
      NO_GATE,
    );
    const pt = withProxy.template(withProxy.stacks.data);
    expect(resources(pt, 'AWS::RDS::DBProxy')).toHaveLength(1);
    // autoPauseSeconds stays in the config but applies only at 0 ACU.
    expect(only(pt, 'AWS::RDS::DBCluster').Properties['ServerlessV2ScalingConfiguration']).toEqual({
      MinCapacity: 0.5,
      MaxCapacity: 2,
    });
    const [, bootstrap] = named(pt, 'Custom::AWS', 'AppUserBootstrap');
    expect(JSON.stringify(bootstrap.Properties['Create'])).toContain('REVOKE rds_iam FROM payment_api;');
    const fn = resources(pt, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RotationFunction'));
    expect(JSON.stringify(fn?.[1].Properties['Environment'])).toContain('"DB_USER_AUTH":"password"');
    expect(withProxy.stacks.data.databaseAccess.certificateAuthority).toBeUndefined();
    const task = JSON.stringify(
      withProxy.template(withProxy.stacks.app).findResources('AWS::ECS::TaskDefinition'),
    );
    expect(task).not.toContain('DATABASE_SSL_CA');
  });
});

describe('DataStack restored from a snapshot', () => {
  const snapshot = 'arn:aws:rds:us-west-2:111111111111:cluster-snapshot:awsbackup:job-0123abcd';

  it('builds the cluster from the snapshot under the new name and keeps the proxy name', () => {
    const env = synthEnvironment(
      'prod',
      { data: { clusterName: 'payments-r1', restoreFromSnapshot: snapshot } },
      NO_GATE,
    );
    const t = env.template(env.stacks.data);
    expect(only(t, 'AWS::RDS::DBCluster').Properties).toMatchObject({
      SnapshotIdentifier: snapshot,
      DBClusterIdentifier: 'tessera-prod-payments-r1',
      StorageEncrypted: true,
      ManageMasterUserPassword: true,
    });
    expect(only(t, 'AWS::RDS::DBProxy').Properties['DBProxyName']).toBe('tessera-prod-payments');
  });

  it('names the field and the value of a snapshot reference that is not one', () => {
    expect(() =>
      synthEnvironment('prod', { data: { restoreFromSnapshot: 'not a snapshot!' } }, NO_GATE),
    ).toThrow(/data\.restoreFromSnapshot[\s\S]*not a snapshot!/);
  });
});

describe('no password in any template', () => {
  it.each(['dev', 'prod'] as const)('%s', (envName) => {
    const env = synthEnvironment(envName, {}, NO_GATE);
    const stacks = env.app.node.children.filter((c): c is Stack => Stack.isStack(c));
    expect(stacks).toContain(env.stacks.data);
    for (const stack of stacks) {
      const template = env.template(stack).toJSON() as { Resources: Record<string, Resource> };
      for (const [id, r] of Object.entries(template.Resources)) {
        expect(r.Properties?.['MasterUserPassword'], id).toBeUndefined();
        if (r.Type === 'AWS::SecretsManager::Secret') {
          expect(r.Properties['SecretString'], id).toBeUndefined();
          expect(r.Properties['GenerateSecretString'], id).toBeDefined();
        }
      }
      expect(JSON.stringify(template)).not.toMatch(/"password"\s*:\s*"/i);
    }
  });
});
