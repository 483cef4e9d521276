import { S3_PREFIX_LISTS } from './app.js';
import { EKS_ADDON_VERSIONS, placeholderEksAdminRole } from './eks.js';
import { PLACEHOLDER_ACCOUNTS, PLACEHOLDER_AMI, PLACEHOLDER_CERTIFICATE_ARN } from './placeholders.js';
import type { EnvironmentConfig } from './schema.js';

/** dev: two AZs behind NAT instances, a small Serverless v2 database, everything destroyable. */
export const dev: EnvironmentConfig = {
  envName: 'dev',
  accounts: PLACEHOLDER_ACCOUNTS,
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  removalPolicy: 'destroy',
  logRetentionDays: 30,
  alertEmails: {
    security: 'security-dev@tessera.example.com',
    compliance: 'compliance-dev@tessera.example.com',
    operations: 'operations-dev@tessera.example.com',
  },
  tags: { Environment: 'dev', Application: 'tessera', CostCenter: 'payments-platform', ManagedBy: 'aws-cdk' },

  network: {
    vpcCidrs: { payment: '10.0.0.0/16', analytics: '10.1.0.0/16' },
    natStrategy: 'instance',
    natInstance: { instanceType: 't4g.nano', amiIds: { 'us-east-1': PLACEHOLDER_AMI } },
    // Only what the Fargate workload calls (EKS mode adds sts and the others itself), in one AZ (ADR 0049).
    interfaceEndpoints: ['secretsmanager', 'kms', 'ecr.api', 'ecr.dkr', 'logs', 'sqs'],
    endpointAzs: 'one',
    awsOwnedBuckets: ['ecr-image-layers', 'amazon-linux-repositories', 'cloudformation-responses'],
    flowLogs: { glacierTransitionDays: 0, expirationDays: 90 },
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
    engine: { mode: 'serverless', minCapacity: 0, maxCapacity: 2, autoPauseSeconds: 900, readers: 0 },
    // Direct IAM + TLS login: nothing holds a connection open, so the writer pauses when idle (ADR 0049).
    proxy: false,
    clusterName: 'payments',
    databaseName: 'tessera',
    appUsername: 'payment_api',
    rotationDays: 30,
    backupRetentionDays: 7,
    // Aurora's own backup runs first; AWS Backup's daily and monthly jobs follow at 05:00/05:30 UTC.
    preferredBackupWindow: '02:00-03:00',
    preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
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

  compute: 'fargate',
  app: {
    fargate: { cpu: 512, memoryMiB: 1024 },
    ec2: { instanceType: 't4g.small', amiIds: { 'us-east-1': PLACEHOLDER_AMI }, volumeSizeGiB: 30 },
    eks: {
      kubernetesVersion: '1.36',
      adminRoleArn: placeholderEksAdminRole(PLACEHOLDER_ACCOUNTS.payment),
      nodeInstanceType: 't4g.medium',
      nodeVolumeSizeGiB: 30,
      addons: EKS_ADDON_VERSIONS,
      loadBalancerControllerChartVersion: '1.14.0',
      podCpuMillicores: 250,
      podCpuLimitMillicores: 500,
      podMemoryMiB: 512,
    },
    scaling: {
      minCapacity: 1,
      maxCapacity: 2,
      desiredCapacity: 1,
      businessHoursMinCapacity: 1,
      cpuTargetPercent: 70,
      requestsPerTarget: 1000,
      timeZone: 'America/New_York',
      scaleUpHour: 8,
      scaleDownHour: 18,
    },
    tls: { certificateArn: PLACEHOLDER_CERTIFICATE_ARN },
    wafRateLimitPerFiveMinutes: 5000,
    logRetentionDays: 30,
    accessLogRetentionDays: 90,
    s3PrefixListIds: S3_PREFIX_LISTS,
  },

  edge: {
    domainNames: [],
    wafRateLimitPerFiveMinutes: 1000,
    priceClass: '100',
    accessLogRetentionDays: 90,
    logRetentionDays: 30,
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
      alarms: { latencySeconds: 3600, latencyMinutes: 15, failedOperations: 1 },
    },
  },
  // Short retries so a developer sees a failing endpoint retried within seconds (ADR 0048).
  processing: {
    queue: {
      messageRetentionSeconds: 86_400,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 10,
      oldestMessageAlarmSeconds: 3_600,
    },
    deadLetterQueue: { messageRetentionSeconds: 1_209_600 },
    webhooks: { retryScheduleSeconds: [10, 60, 300, 1_800, 3_600] },
    settlement: { delayDays: 2, hourUtc: 2 },
  },
  // Off until an operator has a CA and a name for the partner API (README "Partner API with mutual TLS").
  api: {
    enabled: false,
    securityPolicy: 'TLS_1_2',
    throttling: { rateLimit: 50, burstLimit: 100 },
    wafRateLimitPerFiveMinutes: 1000,
    logRetentionDays: 30,
    authorizer: { resultsCacheTtlSeconds: 0, revocationListTtlSeconds: 60, reservedConcurrency: 5 },
    accountCloudWatchRole: 'create',
  },
  // Off in dev: one account is enough to work on the payment platform (ADR 0037).
  peering: {
    enabled: false,
    natStrategy: 'instance',
    flowLogs: { expirationDays: 90 },
    zoneNames: { payment: 'payment.dev.internal', analytics: 'analytics.dev.internal' },
    readerUsername: 'analytics_reader',
  },
  monitoring: {
    escalationEmails: ['oncall-dev@tessera.example.com'],
    periodMinutes: 5,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    loadBalancer: { targetResponseTimeSeconds: 1, target5xxPercent: 5 },
    compute: { cpuPercent: 80, memoryPercent: 80 },
    database: {
      cpuPercent: 80,
      connectionsPercentOfMax: 80,
      freeLocalStorageGiB: 10,
      replicaLagSeconds: 30,
      proxyClientConnections: 500,
    },
    api: { serverErrorPercent: 5, clientErrorPercent: 25, latencyP99Milliseconds: 3000 },
    wafBlockedRequests: 500,
    payments: { declineRatePercent: 50, errorRatePercent: 5, minimumVolume: 20 },
    budget: { monthlyUsd: 600 },
  },
};
