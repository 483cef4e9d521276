import { S3_PREFIX_LISTS } from './app.js';
import { EKS_ADDON_VERSIONS, placeholderEksAdminRole } from './eks.js';
import { PLACEHOLDER_ACCOUNTS, PLACEHOLDER_AMI, PLACEHOLDER_CERTIFICATE_ARN } from './placeholders.js';
import { SEVEN_YEARS_DAYS } from './primitives.js';
import type { EnvironmentConfig } from './schema.js';

/**
 * prod: three AZs with a NAT gateway per AZ, a writer and two readers, 35 days of point-in-time restore, hourly
 * copies to the DR region (RPO 1 h), payment and audit records kept seven years, every stateful resource retained.
 */
export const prod: EnvironmentConfig = {
  envName: 'prod',
  accounts: PLACEHOLDER_ACCOUNTS,
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  removalPolicy: 'retain',
  logRetentionDays: 365,
  alertEmails: {
    security: 'security@tessera.example.com',
    compliance: 'compliance@tessera.example.com',
    operations: 'operations@tessera.example.com',
  },
  tags: {
    Environment: 'prod',
    Application: 'tessera',
    CostCenter: 'payments-platform',
    ManagedBy: 'aws-cdk',
  },

  network: {
    vpcCidrs: { payment: '10.0.0.0/16', analytics: '10.1.0.0/16' },
    natStrategy: 'gateway-per-az',
    natInstance: { instanceType: 't4g.nano', amiIds: { 'us-east-1': PLACEHOLDER_AMI } },
    interfaceEndpoints: [
      'secretsmanager',
      'kms',
      'ecr.api',
      'ecr.dkr',
      'logs',
      'sqs',
      'sts',
      'ssm',
      'ssmmessages',
      'ec2messages',
      'monitoring',
    ],
    endpointAzs: 'all',
    awsOwnedBuckets: ['ecr-image-layers', 'amazon-linux-repositories', 'cloudformation-responses'],
    flowLogs: { glacierTransitionDays: 90, expirationDays: SEVEN_YEARS_DAYS },
  },

  security: {
    trail: {
      bucketRetentionDays: SEVEN_YEARS_DAYS,
      logRetentionDays: 365,
      objectLock: { mode: 'compliance', days: 365 },
    },
    guardDuty: { mode: 'create', alertSeverity: 7 },
    config: {
      mode: 'create',
      createServiceLinkedRole: true,
      conformancePack: true,
      historyRetentionDays: SEVEN_YEARS_DAYS,
    },
    securityHub: { mode: 'create' },
    autoScaling: { createServiceLinkedRole: true },
  },

  data: {
    engine: { mode: 'provisioned', instanceClass: 'r7g.large', readers: 2 },
    proxy: true,
    clusterName: 'payments',
    databaseName: 'tessera',
    appUsername: 'payment_api',
    rotationDays: 30,
    backupRetentionDays: 35,
    // Aurora's own backup runs first; AWS Backup's daily and monthly jobs follow at 05:00/05:30 UTC.
    preferredBackupWindow: '02:00-03:00',
    preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
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

  compute: 'fargate',
  app: {
    fargate: { cpu: 1024, memoryMiB: 2048 },
    ec2: { instanceType: 't4g.medium', amiIds: { 'us-east-1': PLACEHOLDER_AMI }, volumeSizeGiB: 30 },
    eks: {
      kubernetesVersion: '1.36',
      adminRoleArn: placeholderEksAdminRole(PLACEHOLDER_ACCOUNTS.payment),
      nodeInstanceType: 'm7g.large',
      nodeVolumeSizeGiB: 30,
      addons: EKS_ADDON_VERSIONS,
      loadBalancerControllerChartVersion: '1.14.0',
      podCpuMillicores: 500,
      podCpuLimitMillicores: 1000,
      podMemoryMiB: 1024,
    },
    // The seeds' sizing: 2-6 instances, desired 3.
    scaling: {
      minCapacity: 2,
      maxCapacity: 6,
      desiredCapacity: 3,
      businessHoursMinCapacity: 4,
      cpuTargetPercent: 70,
      requestsPerTarget: 1000,
      timeZone: 'America/New_York',
      scaleUpHour: 8,
      scaleDownHour: 18,
    },
    tls: { certificateArn: PLACEHOLDER_CERTIFICATE_ARN },
    wafRateLimitPerFiveMinutes: 20000,
    logRetentionDays: SEVEN_YEARS_DAYS,
    accessLogRetentionDays: SEVEN_YEARS_DAYS,
    s3PrefixListIds: S3_PREFIX_LISTS,
  },

  edge: {
    domainNames: [],
    wafRateLimitPerFiveMinutes: 2000,
    priceClass: '100',
    accessLogRetentionDays: SEVEN_YEARS_DAYS,
    logRetentionDays: SEVEN_YEARS_DAYS,
  },

  // Payment records: every version is locked seven years (governance mode) and kept as long; the DR copy meets
  // the 15-minute Replication Time Control objective (ADR 0029, ADR 0030).
  documents: {
    lifecycle: {
      infrequentAccessDays: 30,
      glacierFlexibleRetrievalDays: 90,
      deepArchiveDays: 180,
      noncurrentVersionExpirationDays: SEVEN_YEARS_DAYS,
      abortIncompleteMultipartUploadDays: 7,
    },
    objectLockRetentionDays: SEVEN_YEARS_DAYS,
    accessLogRetentionDays: SEVEN_YEARS_DAYS,
    replication: {
      enabled: true,
      timeControlMinutes: 15,
      alarms: { latencySeconds: 900, latencyMinutes: 5, failedOperations: 1 },
    },
  },
  // Stripe-like: exponential back-off up to 12 hours, about 2.7 days in all (at most 3, ADR 0048).
  processing: {
    queue: {
      messageRetentionSeconds: 604_800,
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 20,
      oldestMessageAlarmSeconds: 3_600,
    },
    deadLetterQueue: { messageRetentionSeconds: 1_209_600 },
    webhooks: {
      retryScheduleSeconds: [60, 300, 1_800, 3_600, 7_200, 14_400, 28_800, 43_200, 43_200, 43_200, 43_200],
    },
    settlement: { delayDays: 2, hourUtc: 2 },
  },
  // Off until an operator has a CA and a name for the partner API (README "Partner API with mutual TLS").
  api: {
    enabled: false,
    securityPolicy: 'TLS_1_2',
    throttling: { rateLimit: 500, burstLimit: 1000 },
    wafRateLimitPerFiveMinutes: 2000,
    logRetentionDays: SEVEN_YEARS_DAYS,
    authorizer: { resultsCacheTtlSeconds: 0, revocationListTtlSeconds: 60, reservedConcurrency: 50 },
    accountCloudWatchRole: 'create',
  },
  // The analytics VPC in its own account, peered with the payment VPC (ADR 0037).
  peering: {
    enabled: true,
    natStrategy: 'gateway-per-az',
    flowLogs: { expirationDays: 90 },
    zoneNames: { payment: 'payment.prod.internal', analytics: 'analytics.prod.internal' },
    readerUsername: 'analytics_reader',
  },
  monitoring: {
    escalationEmails: ['oncall@tessera.example.com', 'payments-lead@tessera.example.com'],
    periodMinutes: 1,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    loadBalancer: { targetResponseTimeSeconds: 1, target5xxPercent: 1 },
    compute: { cpuPercent: 80, memoryPercent: 80 },
    database: {
      cpuPercent: 80,
      connectionsPercentOfMax: 80,
      freeLocalStorageGiB: 10,
      replicaLagSeconds: 10,
      proxyClientConnections: 2000,
    },
    api: { serverErrorPercent: 1, clientErrorPercent: 10, latencyP99Milliseconds: 1500 },
    wafBlockedRequests: 2000,
    payments: { declineRatePercent: 25, errorRatePercent: 1, minimumVolume: 100 },
    budget: { monthlyUsd: 3500 },
  },
};
