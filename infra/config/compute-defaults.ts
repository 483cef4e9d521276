import { PLACEHOLDER_ACCOUNTS } from './common.js';
import {
  PLACEHOLDER_APP_AMI,
  S3_PREFIX_LISTS,
  placeholderCertificateArn,
  type AppConfig,
  type ComputeMode,
  type EdgeConfig,
} from './compute.js';

type EnvName = 'dev' | 'staging' | 'prod';

/** Fargate is the default compute mode everywhere (docs/adr: Fargate by default). */
export const DEFAULT_COMPUTE: ComputeMode = 'fargate';

const SEVEN_YEARS_DAYS = 2557;

const common = {
  ec2: { amiIds: { 'us-east-1': PLACEHOLDER_APP_AMI }, volumeSizeGiB: 30 },
  // The example certificate lets `cdk synth` run offline; the deploy preflight refuses it.
  tls: { certificateArn: placeholderCertificateArn(PLACEHOLDER_ACCOUNTS.payment, 'us-east-1') },
  s3PrefixListIds: { ...S3_PREFIX_LISTS },
} as const;

const scaling = (
  min: number,
  max: number,
  desired: number,
  businessHoursMin: number,
): AppConfig['scaling'] => ({
  minCapacity: min,
  maxCapacity: max,
  desiredCapacity: desired,
  businessHoursMinCapacity: businessHoursMin,
  cpuTargetPercent: 70,
  requestsPerTarget: 1000,
  timeZone: 'America/New_York',
  scaleUpHour: 8,
  scaleDownHour: 18,
});

/** Defaults of the `app` section per environment; prod follows the seeds: 2–6 instances, desired 3. */
export function appDefaults(envName: EnvName): AppConfig {
  const byEnv: Record<EnvName, AppConfig> = {
    dev: {
      fargate: { cpu: 512, memoryMiB: 1024 },
      ec2: { ...common.ec2, instanceType: 't4g.small', amiIds: { ...common.ec2.amiIds } },
      scaling: scaling(1, 2, 1, 1),
      tls: { ...common.tls },
      wafRateLimitPerFiveMinutes: 1000,
      logRetentionDays: 30,
      accessLogRetentionDays: 90,
      s3PrefixListIds: { ...common.s3PrefixListIds },
    },
    staging: {
      fargate: { cpu: 1024, memoryMiB: 2048 },
      ec2: { ...common.ec2, instanceType: 't4g.medium', amiIds: { ...common.ec2.amiIds } },
      scaling: scaling(2, 4, 2, 2),
      tls: { ...common.tls },
      wafRateLimitPerFiveMinutes: 2000,
      logRetentionDays: 365,
      accessLogRetentionDays: 365,
      s3PrefixListIds: { ...common.s3PrefixListIds },
    },
    prod: {
      fargate: { cpu: 1024, memoryMiB: 2048 },
      ec2: { ...common.ec2, instanceType: 't4g.medium', amiIds: { ...common.ec2.amiIds } },
      scaling: scaling(2, 6, 3, 4),
      tls: { ...common.tls },
      wafRateLimitPerFiveMinutes: 2000,
      logRetentionDays: SEVEN_YEARS_DAYS,
      accessLogRetentionDays: SEVEN_YEARS_DAYS,
      s3PrefixListIds: { ...common.s3PrefixListIds },
    },
  };
  return byEnv[envName];
}

/** Defaults of the `edge` section: no custom domain (CloudFront's default certificate) until configured. */
export function edgeDefaults(envName: EnvName): EdgeConfig {
  return {
    domainNames: [],
    wafRateLimitPerFiveMinutes: envName === 'dev' ? 1000 : 2000,
    priceClass: '100',
    accessLogRetentionDays: envName === 'prod' ? SEVEN_YEARS_DAYS : envName === 'staging' ? 365 : 90,
  };
}
