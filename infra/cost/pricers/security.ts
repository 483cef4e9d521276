import { parse as parseYaml } from 'yaml';
import {
  dbInstanceVcpus,
  eksNodeVcpus,
  fargateVcpus,
  isServerless,
  serverlessAcu,
  ssmManagedEc2Vcpus,
} from '../fleet.js';
import { DAYS_PER_MONTH } from '../prices.js';
import { share, UnpricedError, type Charge, type Pricer } from '../pricing.js';
import { arrayAt, numberAt, prop, stringAt, type EnvironmentModel } from '../template.js';
import type { TrafficProfile } from '../traffic/index.js';

const round = (n: number): string => n.toFixed(2);

export const kmsKey: Pricer = ({ resource, env, profile }) => {
  const keys = env.ofType('AWS::KMS::Key').length;
  const charges: Charge[] = [
    { label: 'customer-managed key', item: 'kms.keyMonth', quantity: 1, note: 'one key' },
    {
      label: 'requests',
      item: 'kms.requests10k',
      quantity: share(profile.volumes.security.kmsRequestsPerMonth, keys) / 10_000,
      note: `the profile's KMS requests split evenly over ${keys} keys`,
    },
  ];
  if (prop(resource.properties, 'EnableKeyRotation') === true) {
    const period = numberAt(resource.properties, 'RotationPeriodInDays') ?? 365;
    const rotations = Math.min(2, Math.floor((profile.monthsInOperation * DAYS_PER_MONTH) / period));
    charges.push({
      label: 'rotated key material',
      item: 'kms.rotatedKeyMonth',
      quantity: rotations,
      note: `${rotations} rotation(s) by month ${profile.monthsInOperation} (every ${period} days; only the first two are billed)`,
    });
  }
  return charges;
};

export const secret: Pricer = ({ resource, env, profile }) => {
  const secrets = env.ofType('AWS::SecretsManager::Secret').length;
  const replicas = arrayAt(resource.properties, 'ReplicaRegions').length;
  return [
    {
      label: 'secret',
      item: 'secretsManager.secretMonth',
      quantity: 1 + replicas,
      note: `${replicas} replica(s)`,
    },
    {
      label: 'API calls',
      item: 'secretsManager.calls10k',
      quantity: share(profile.volumes.security.secretsApiCallsPerMonth, secrets) / 10_000,
      note: `the profile's Secrets Manager calls split evenly over ${secrets} template secrets`,
    },
  ];
};

export const trail: Pricer = ({ resource, env, profile }) => {
  if (arrayAt(resource.properties, 'InsightSelectors').length > 0)
    throw new UnpricedError('CloudTrail Insights is not priced');
  const dataEvents =
    prop(resource.properties, 'AdvancedEventSelectors') !== undefined ||
    arrayAt(resource.properties, 'EventSelectors').some((s) => arrayAt(s, 'DataResources').length > 0);
  if (dataEvents) throw new UnpricedError('data events are not priced');
  const first = env.ofType('AWS::CloudTrail::Trail')[0] === resource;
  return [
    {
      label: 'management events',
      item: first ? 'cloudtrail.firstManagementCopy' : 'cloudtrail.additionalManagementCopy.100k',
      quantity: profile.volumes.security.managementEventsPerMonth / 100_000,
      note: first
        ? 'the first trail of management events is free; its CloudWatch Logs copy and S3 files are priced on the log group and bucket'
        : 'a second copy of management events',
    },
  ];
};

/** Resources AWS Config records: every AWS resource of the region (an upper bound: sub-resources such as rules are recorded inside their parent). */
export function recordedResources(env: EnvironmentModel, region: string): number {
  return env
    .resources()
    .filter((r) => r.stack.region === region && r.type.startsWith('AWS::') && r.type !== 'AWS::CDK::Metadata')
    .length;
}

/** Configuration items in the month: every resource once in month 1 (the deployment), plus the profile's changes. */
function configItems(
  env: EnvironmentModel,
  region: string,
  profile: TrafficProfile,
): { count: number; note: string } {
  const deployed = profile.monthsInOperation === 1 ? recordedResources(env, region) : 0;
  const changes = profile.volumes.security.configItemsPerMonth;
  return {
    count: deployed + changes,
    note: `${deployed} recorded at deployment (month 1 only) + ${changes} changes`,
  };
}

export const configRecorder: Pricer = ({ resource, env, profile }) => {
  const periodic = stringAt(resource.properties, 'RecordingMode.RecordingFrequency') === 'DAILY';
  const items = configItems(env, resource.stack.region, profile);
  return [
    {
      label: 'configuration items recorded',
      item: periodic ? 'config.periodicItem' : 'config.item',
      quantity: items.count,
      note: items.note,
    },
  ];
};

/** Rules a recorded change triggers, on average, and evaluations of every rule a day (periodic and re-evaluations). */
const RULES_PER_CHANGE = 3;
const EVALUATIONS_PER_RULE_PER_DAY = 1;

export const conformancePack: Pricer = ({ resource, env, profile }) => {
  const body = stringAt(resource.properties, 'TemplateBody');
  if (body === undefined) throw new UnpricedError('conformance packs from S3 templates are not priced');
  const resources = (parseYaml(body) as { Resources?: Record<string, { Type?: string }> }).Resources ?? {};
  const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Config::ConfigRule').length;
  const items = configItems(env, resource.stack.region, profile);
  const evaluations = rules * EVALUATIONS_PER_RULE_PER_DAY * DAYS_PER_MONTH + items.count * RULES_PER_CHANGE;
  return [
    {
      label: 'rule evaluations',
      item: 'config.evaluation',
      quantity: evaluations,
      note: `${rules} rules × ${EVALUATIONS_PER_RULE_PER_DAY} a day + ${RULES_PER_CHANGE} per configuration item (${items.note}) (estimate)`,
    },
  ];
};

/** Security Hub checks: each recorded resource is checked about once a day, and again on each change. */
const CHECKS_PER_RESOURCE_PER_DAY = 1;
const CHECKS_PER_CHANGE = 2;

export const securityHubStandard: Pricer = ({ resource, env, profile }) => {
  const recorded = recordedResources(env, resource.stack.region);
  const items = configItems(env, resource.stack.region, profile);
  return [
    {
      label: 'security checks',
      item: 'securityHub.check',
      quantity: recorded * CHECKS_PER_RESOURCE_PER_DAY * DAYS_PER_MONTH + items.count * CHECKS_PER_CHANGE,
      note: `${recorded} recorded resources × ${CHECKS_PER_RESOURCE_PER_DAY} a day + ${CHECKS_PER_CHANGE} per configuration item (estimate)`,
    },
  ];
};

/** S3 data events GuardDuty analyses: the object writes of log deliveries and the origin fetches of CloudFront. */
function s3DataEvents(profile: TrafficProfile): number {
  const storage = profile.volumes.storage;
  const puts = Object.values(storage).reduce((sum, b) => sum + b.putsPerMonth, 0);
  const originFetches = profile.volumes.edge.requestsPerMonth * (1 - profile.shape.edgeCacheHitRatio);
  return puts + originFetches;
}

function auroraCapacity(env: EnvironmentModel, profile: TrafficProfile): { vcpus: number; acus: number } {
  const instances = env
    .ofType('AWS::RDS::DBInstance')
    .filter((i) => stringAt(i.properties, 'Engine') === 'aurora-postgresql');
  return {
    vcpus: instances.filter((i) => !isServerless(i)).reduce((sum, i) => sum + dbInstanceVcpus(i), 0),
    acus: instances.filter(isServerless).reduce((sum, i) => sum + serverlessAcu(env, i, profile), 0),
  };
}

const KNOWN_GUARDDUTY_FEATURES = new Set([
  'S3_DATA_EVENTS',
  'RDS_LOGIN_EVENTS',
  'EBS_MALWARE_PROTECTION',
  'LAMBDA_NETWORK_LOGS',
  'RUNTIME_MONITORING',
]);

export const guardDutyDetector: Pricer = ({ resource, env, profile }) => {
  if (prop(resource.properties, 'Enable') === false) return [];
  const enabled = new Map(
    arrayAt(resource.properties, 'Features')
      .filter((f) => stringAt(f, 'Status') === 'ENABLED')
      .map((f) => [stringAt(f, 'Name') ?? '', f] as const),
  );
  for (const name of enabled.keys()) {
    if (!KNOWN_GUARDDUTY_FEATURES.has(name))
      throw new UnpricedError(`GuardDuty feature ${name} is not priced`);
  }
  const v = profile.volumes;
  const charges: Charge[] = [
    {
      label: 'CloudTrail management events analysed',
      item: 'guardduty.managementEvents1M',
      quantity: v.security.managementEventsPerMonth / 1_000_000,
      note: "the profile's management events",
    },
    {
      label: 'VPC flow and DNS logs analysed',
      item: 'guardduty.flowAndDnsLogs.gb',
      quantity: v.network.flowLogGb + v.network.dnsQueryLogGb,
      note: "the profile's flow-log and DNS-log volume (GuardDuty reads its own copy)",
    },
  ];
  if (enabled.has('S3_DATA_EVENTS')) {
    charges.push({
      label: 'S3 data events analysed',
      item: 'guardduty.s3DataEvents1M',
      quantity: s3DataEvents(profile) / 1_000_000,
      note: 'object writes of the log buckets and CloudFront origin fetches',
    });
  }
  if (enabled.has('RDS_LOGIN_EVENTS')) {
    const { vcpus, acus } = auroraCapacity(env, profile);
    charges.push(
      {
        label: 'RDS Protection (provisioned vCPUs)',
        item: 'guardduty.rds.vcpuMonth',
        quantity: vcpus,
        note: `${vcpus} vCPUs of provisioned Aurora instances`,
      },
      {
        label: 'RDS Protection (Serverless v2 ACUs)',
        item: 'guardduty.rds.acuMonth',
        quantity: acus,
        note: `${round(acus)} ACUs of Serverless v2 instances on average`,
      },
    );
  }
  if (enabled.has('RUNTIME_MONITORING')) {
    const runtime = enabled.get('RUNTIME_MONITORING');
    const agent = (name: string): boolean =>
      arrayAt(runtime, 'AdditionalConfiguration').some(
        (c) => stringAt(c, 'Name') === name && stringAt(c, 'Status') === 'ENABLED',
      );
    const fargate = agent('ECS_FARGATE_AGENT_MANAGEMENT') ? fargateVcpus(env, profile) : 0;
    const ec2 = agent('EC2_AGENT_MANAGEMENT') ? ssmManagedEc2Vcpus(env, profile) : 0;
    const eks = agent('EKS_ADDON_MANAGEMENT') ? eksNodeVcpus(env) : 0;
    charges.push({
      label: 'Runtime Monitoring vCPUs',
      item: 'guardduty.runtime.vcpuMonth',
      quantity: fargate + ec2 + eks,
      note:
        `${round(fargate)} Fargate + ${round(ec2)} SSM-managed EC2 vCPUs on average (instances without SSM, such as NAT instances, get no agent)` +
        (eks > 0 ? ` + ${round(eks)} EKS node vCPUs (GuardDuty's EKS add-on)` : ''),
    });
  }
  if (enabled.has('LAMBDA_NETWORK_LOGS')) {
    charges.push({
      label: 'Lambda network activity analysed',
      item: 'guardduty.lambdaNetwork.gb',
      quantity: v.network.lambdaNetworkGb,
      note: "the profile's Lambda network volume",
    });
  }
  if (enabled.has('EBS_MALWARE_PROTECTION')) {
    charges.push({
      label: 'EBS malware scans',
      item: 'guardduty.ebsMalwareScan.gb',
      quantity: v.security.malwareScanGb,
      note: 'scans run only after a suspicious EC2 finding',
    });
  }
  return charges;
};
