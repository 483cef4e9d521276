import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Ec2PaymentService,
  type Ec2PaymentServiceProps,
} from '../../lib/constructs/compute/ec2-payment-service.js';
import { PaymentApiKeys } from '../../lib/constructs/compute/payment-api-keys.js';
import type { PaymentApiRuntimeProps } from '../../lib/constructs/compute/payment-api-runtime.js';
import { PublicLoadBalancer } from '../../lib/constructs/compute/public-load-balancer.js';
import { AccessLogBucket } from '../../lib/constructs/access-log-bucket.js';
import { applyFeatureFlags } from '../../lib/feature-flags.js';
import type { PaymentServiceScaling } from '../../lib/constructs/compute/scaling.js';
import type { IDatabaseAccess } from '../../lib/constructs/data/database-access.js';
import type { IDocumentPrefix } from '../../lib/constructs/documents/document-bucket.js';
import { EventQueue } from '../../lib/constructs/processing/event-queue.js';

/** A directory with a minimal Dockerfile, so image-asset tests do not depend on services/payment-api. */
export function dockerContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-image-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
  return dir;
}

export const SCALING: PaymentServiceScaling = {
  minCapacity: 2,
  maxCapacity: 6,
  desiredCapacity: 3,
  cpuTargetPercent: 70,
  requestsPerTarget: 500,
  timeZone: 'Europe/Berlin',
  businessHoursMinCapacity: 4,
  scaleUpHour: 8,
  scaleDownHour: 18,
};

/** The documents bucket the fixture's payment API writes dispute evidence to (as the documents tier would). */
export const FIXTURE_DOCUMENTS_BUCKET = 'tessera-test-documents-111111111111-eu-central-1';

/** The events queue of the fixture's payment API (as the processing tier would name it). */
export const FIXTURE_EVENTS_QUEUE = 'tessera-test-events.fifo';
export const FIXTURE_RETRY_SCHEDULE = [60, 300, 1800];

/** The `rds-db:connect` resource the fixture's database access grants (as the data tier's proxy would). */
export const FIXTURE_DB_USER_ARN = 'arn:aws:rds-db:eu-central-1:111111111111:dbuser:prx-fixture/payment_api';

export interface ComputeFixture {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly image: ecrAssets.DockerImageAsset;
  readonly runtime: PaymentApiRuntimeProps;
  readonly keys: { readonly logs: kms.Key; readonly data: kms.Key };
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly loadBalancer: PublicLoadBalancer;
}

/** Throwaway stack with the three subnet tiers, keys, secrets and a load balancer for the given target type. */
export function computeFixture(targetType: elbv2.TargetType): ComputeFixture {
  const app = new App();
  applyFeatureFlags(app); // as buildTessera: server access logs delivered through a bucket policy
  const stack = new Stack(app, 'Compute', { env: { account: '111111111111', region: 'eu-central-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const key = (id: string): kms.Key => new kms.Key(stack, id, { enableKeyRotation: true });
  const keys = { logs: key('LogsKey'), data: key('DataKey') };
  const secretsKey = key('SecretsKey');
  const appKeys = new PaymentApiKeys(stack, 'AppKeys', { encryptionKey: secretsKey });
  const credentials = new secretsmanager.Secret(stack, 'DbSecret', { encryptionKey: secretsKey });
  const databaseSecurityGroup = new ec2.SecurityGroup(stack, 'DbClients', { vpc, allowAllOutbound: false });
  const database: IDatabaseAccess = {
    endpoint: 'proxy.example.internal',
    port: 5432,
    databaseName: 'tessera',
    ownerRole: 'payment_api',
    secret: credentials,
    securityGroup: databaseSecurityGroup,
    grantConnect: (grantee) => {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['rds-db:connect'], resources: [FIXTURE_DB_USER_ARN] }),
      );
    },
  };
  const documentPrefix = (prefix: string): IDocumentPrefix => ({
    bucketName: FIXTURE_DOCUMENTS_BUCKET,
    prefix,
    grantWrite: (grantee) =>
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:PutObject'],
        resourceArns: [`arn:aws:s3:::${FIXTURE_DOCUMENTS_BUCKET}/${prefix}*`],
      }),
  });
  const documents = documentPrefix('disputes/');
  const events = new EventQueue(stack, 'Events', {
    queueName: FIXTURE_EVENTS_QUEUE,
    keyAlias: 'alias/tessera/test/events',
    retentionPeriod: Duration.days(4),
    visibilityTimeout: Duration.minutes(2),
    maxReceiveCount: 20,
    deadLetterRetentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const runtime: PaymentApiRuntimeProps = {
    database,
    documents,
    vaultKey: key('VaultKey'),
    vaultFingerprintKey: appKeys.vaultFingerprintKey,
    serviceHmacKey: appKeys.serviceHmacKey,
    secretsKey,
    trustedProxyCidr: '10.0.0.0/16',
    metricsEnvironment: 'test',
    processing: {
      events,
      webhookRetryScheduleSeconds: FIXTURE_RETRY_SCHEDULE,
      settlementDelayDays: 2,
      settlementHourUtc: 2,
      settlementReports: documentPrefix('settlements/'),
    },
  };
  const image = new ecrAssets.DockerImageAsset(stack, 'Image', {
    directory: dockerContext(),
    platform: ecrAssets.Platform.LINUX_ARM64,
  });
  const loadBalancer = new PublicLoadBalancer(stack, 'Alb', {
    vpc,
    serverAccessLogsBucket: new AccessLogBucket(stack, 'ServerAccessLogs', {
      bucketName: 'tessera-test-app-access-logs',
      removalPolicy: RemovalPolicy.DESTROY,
    }).bucket,
    certificate: acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:eu-central-1:111111111111:certificate/11111111-2222-3333-4444-555555555555',
    ),
    targetType,
    deletionProtection: true,
    accessLogRetention: Duration.days(400),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { stack, vpc, image, runtime, keys, databaseSecurityGroup, loadBalancer };
}

/** An EC2 payment service in the compute fixture, as every EC2 test builds it. */
export function buildEc2Service(overrides: Partial<Ec2PaymentServiceProps> = {}): Template {
  const f = computeFixture(elbv2.TargetType.INSTANCE);
  new Ec2PaymentService(f.stack, 'Api', {
    vpc: f.vpc,
    image: f.image,
    runtime: f.runtime,
    machineImage: ec2.MachineImage.genericLinux({ 'eu-central-1': 'ami-0123456789abcdef0' }),
    instanceType: new ec2.InstanceType('t4g.medium'),
    scaling: SCALING,
    targetGroup: f.loadBalancer.targetGroup,
    httpsEgressPeers: [ec2.Peer.ipv4(f.vpc.vpcCidrBlock)],
    volumeEncryptionKey: f.keys.data,
    notificationTopic: new sns.Topic(f.stack, 'Operations', { masterKey: f.keys.logs }),
    logEncryptionKey: f.keys.logs,
    logRetention: logs.RetentionDays.SEVEN_YEARS,
    ...overrides,
  });
  return Template.fromStack(f.stack);
}
