import { S3_PREFIX_LISTS } from './app.js';
import { EKS_ADDON_VERSIONS, placeholderEksAdminRole } from './eks.js';
import { PLACEHOLDER_ACCOUNTS, PLACEHOLDER_AMI, PLACEHOLDER_CERTIFICATE_ARN } from './placeholders.js';
import type { EnvironmentConfig } from './schema.js';

/** staging: three AZs behind a single NAT gateway, a writer and one reader; logs kept a year (PCI DSS 10.5.1). */
export const staging: EnvironmentConfig = {
  envName: 'staging',
  accounts: PLACEHOLDER_ACCOUNTS,
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  removalPolicy: 'destroy',
  logRetentionDays: 365,
  alertEmails: {
    security: 'security-staging@tessera.example.com',
    compliance: 'compliance-staging@tessera.example.com',
    operations: 'operations-staging@tessera.example.com',
  },
  tags: {
    Environment: 'staging',
    Application: 'tessera',
    CostCenter: 'payments-platform',
    ManagedBy: 'aws-cdk',
  },

  network: {
    vpcCidrs: { payment: '10.0.0.0/16', analytics: '10.1.0.0/16' },
    natStrategy: 'single-gateway',
    natInstance: { instanceType: 't4g.nano', amiIds: { 'us-east-1': PLACEHOLDER_AMI } },
    interfaceEndpoints: ['secretsmanager', 'kms', 'ecr.api', 'ecr.dkr', 'logs', 'sqs', 'sts'],
    endpointAzs: 'all',
    awsOwnedBuckets: ['ecr-image-layers', 'amazon-linux-repositories', 'cloudformation-responses'],
    flowLogs: { glacierTransitionDays: 90, expirationDays: 400 },
  },

  security: {
    trail: {
      bucketRetentionDays: 365,
      logRetentionDays: 365,
      objectLock: { mode: 'off', days: 365 },
    },
    guardDuty: { mode: 'create', alertSeverity: 7 },
    config: {
      mode: 'create',
      createServiceLinkedRole: true,
      conformancePack: true,
      historyRetentionDays: 365,
    },
    securityHub: { mode: 'create' },
    autoScaling: { createServiceLinkedRole: true },
  },

  data: {
    engine: { mode: 'provisioned', instanceClass: 'r7g.large', readers: 1 },
    proxy: true,
    clusterName: 'payments',
    databaseName: 'tessera',
    appUsername: 'payment_api',
    rotationDays: 30,
    backupRetentionDays: 14,
    // Aurora's own backup runs first; AWS Backup's daily and monthly jobs follow at 05:00/05:30 UTC.
    preferredBackupWindow: '02:00-03:00',
    preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
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
    scaling: {
      minCapacity: 2,
      maxCapacity: 4,
      desiredCapacity: 2,
      businessHoursMinCapacity: 2,
      cpuTargetPercent: 70,
      requestsPerTarget: 1000,
      timeZone: 'America/New_York',
      scaleUpHour: 8,
      scaleDownHour: 18,
    },
    tls: { certificateArn: PLACEHOLDER_CERTIFICATE_ARN },
    wafRateLimitPerFiveMinutes: 10000,
    logRetentionDays: 365,
    accessLogRetentionDays: 365,
    s3PrefixListIds: S3_PREFIX_LISTS,
  },

  edge: {
    domainNames: [],
    wafRateLimitPerFiveMinutes: 2000,
    priceClass: '100',
    accessLogRetentionDays: 365,
    logRetentionDays: 365,
  },

  documents: {
    lifecycle: {
      infrequentAccessDays: 30,
      glacierFlexibleRetrievalDays: 90,
      deepArchiveDays: 180,
      noncurrentVersionExpirationDays: 30,
      abortIncompleteMultipartUploadDays: 7,
    },
    objectLockRetentionDays: 0,
    accessLogRetentionDays: 365,
    replication: {
      enabled: true,
      timeControlMinutes: 15,
      alarms: { latencySeconds: 900, latencyMinutes: 15, failedOperations: 1 },
    },
  },
  processing: {
    queue: {
      messageRetentionSeconds: 345_600,
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 15,
      oldestMessageAlarmSeconds: 3_600,
    },
    deadLetterQueue: { messageRetentionSeconds: 1_209_600 },
    webhooks: { retryScheduleSeconds: [60, 300, 1_800, 3_600, 7_200, 14_400, 28_800] },
    settlement: { delayDays: 2, hourUtc: 2 },
  },
  // Off until an operator has a CA and a name for the partner API (README "Partner API with mutual TLS").
  api: {
    enabled: false,
    securityPolicy: 'TLS_1_2',
    throttling: { rateLimit: 100, burstLimit: 200 },
    wafRateLimitPerFiveMinutes: 2000,
    logRetentionDays: 365,
    authorizer: { resultsCacheTtlSeconds: 0, revocationListTtlSeconds: 60, reservedConcurrency: 10 },
    accountCloudWatchRole: 'create',
  },
  // The analytics VPC in its own account, peered with the payment VPC (ADR 0037).
  peering: {
    enabled: true,
    natStrategy: 'single-gateway',
    flowLogs: { expirationDays: 90 },
    zoneNames: { payment: 'payment.staging.internal', analytics: 'analytics.staging.internal' },
    readerUsername: 'analytics_reader',
  },
  monitoring: {
    escalationEmails: ['oncall-staging@tessera.example.com'],
    periodMinutes: 5,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    loadBalancer: { targetResponseTimeSeconds: 1, target5xxPercent: 2 },
    compute: { cpuPercent: 80, memoryPercent: 80 },
    database: {
      cpuPercent: 80,
      connectionsPercentOfMax: 80,
      freeLocalStorageGiB: 10,
      replicaLagSeconds: 30,
      proxyClientConnections: 1000,
    },
    api: { serverErrorPercent: 2, clientErrorPercent: 20, latencyP99Milliseconds: 2000 },
    wafBlockedRequests: 1000,
    payments: { declineRatePercent: 40, errorRatePercent: 2, minimumVolume: 50 },
    budget: { monthlyUsd: 1300 },
  },
};
