import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { fileURLToPath } from 'node:url';
import {
  AuroraPostgresCluster,
  type AuroraPostgresClusterProps,
} from '../../lib/constructs/data/aurora-postgres-cluster.js';
import { SecretRotationFunction } from '../../lib/constructs/data/secret-rotation-function.js';

export const FIXTURE_ACCOUNT = '111111111111';
export const FIXTURE_REGION = 'eu-west-1';
export const FIXTURE_VPC_CIDR = '10.0.0.0/16';

/** The smallest handler module: the construct tests check the wiring, not the rotation logic. */
export const FIXTURE_HANDLER = fileURLToPath(new URL('./rotation-handler.ts', import.meta.url));
export const LOCKFILE = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));

/** A throwaway stack with the tiers and keys the data constructs expect from the network and security stacks. */
export interface DataFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly keys: {
    readonly data: kms.Key;
    readonly logs: kms.Key;
    readonly secrets: kms.Key;
    readonly backups: kms.Key;
  };
}

export function dataFixture(app: App = new App()): DataFixture {
  const stack = new Stack(app, 'DataFixture', { env: { account: FIXTURE_ACCOUNT, region: FIXTURE_REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(FIXTURE_VPC_CIDR),
    availabilityZones: [`${FIXTURE_REGION}a`, `${FIXTURE_REGION}b`],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const key = (id: string): kms.Key => new kms.Key(stack, id, { enableKeyRotation: true });
  const logsKey = key('LogsKey');
  logsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${FIXTURE_REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
    }),
  );
  return {
    app,
    stack,
    vpc,
    keys: { data: key('DataKey'), logs: logsKey, secrets: key('SecretsKey'), backups: key('BackupsKey') },
  };
}

export function clusterProps(
  f: DataFixture,
  overrides: Partial<AuroraPostgresClusterProps> = {},
): AuroraPostgresClusterProps {
  return {
    vpc: f.vpc,
    vpcSubnets: { subnetGroupName: 'data' },
    clusterIdentifier: 'tessera-test-payments',
    databaseName: 'tessera',
    capacity: { mode: 'provisioned', instanceType: new ec2.InstanceType('r7g.large'), readers: 2 },
    dataKey: f.keys.data,
    secretsKey: f.keys.secrets,
    logsKey: f.keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    backupRetention: Duration.days(35),
    preferredBackupWindow: '03:00-04:00',
    preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    retainData: true,
    ...overrides,
  };
}

export function auroraCluster(
  f: DataFixture,
  overrides: Partial<AuroraPostgresClusterProps> = {},
): AuroraPostgresCluster {
  return new AuroraPostgresCluster(f.stack, 'Db', clusterProps(f, overrides));
}

export function rotationFunction(f: DataFixture): SecretRotationFunction {
  return new SecretRotationFunction(f.stack, 'Rotation', {
    vpc: f.vpc,
    vpcSubnets: { subnetGroupName: 'app' },
    entry: FIXTURE_HANDLER,
    depsLockFilePath: LOCKFILE,
    logsKey: f.keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    retainLogs: true,
  });
}

/** Logical id of the single resource of `type` whose id starts with `prefix`. */
export function logicalId(resources: Record<string, unknown>, prefix: string): string {
  const ids = Object.keys(resources).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one resource starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
