import type { EnvironmentConfig } from '../../config/index.js';
import { WITH_PARTNER_API } from './api.js';
import { type DeepPartial, synthEnvironment } from './synth.js';

/**
 * Resource types whose replacement loses data or breaks what depends on them: CloudFormation replaces a resource
 * whose logical id changes, so these ids are a contract. Data: buckets, keys, log groups, the database, secrets,
 * backups, topics, queues (the events not yet consumed). Identity others hold on to: the VPC and subnets, the proxy endpoint, the load balancer and
 * distribution DNS names, the partner API's id (in its log group names) and its custom domain (a replacement
 * would create the same name twice). Account singletons a second copy of which fails to create: trail, detector,
 * hub, recorder.
 */
export const STATEFUL_TYPES = [
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBProxy',
  'AWS::SecretsManager::Secret',
  'AWS::Backup::BackupVault',
  'AWS::Backup::BackupPlan',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::CloudFront::Distribution',
  'AWS::CloudTrail::Trail',
  'AWS::GuardDuty::Detector',
  'AWS::SecurityHub::Hub',
  'AWS::Config::ConfigurationRecorder',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::DomainName',
  'AWS::EKS::Cluster',
  'AWS::EFS::FileSystem',
] as const;

/**
 * The environments the guard covers: each shipped environment, prod in the EC2 and EKS compute modes, and prod
 * with the partner API (off in the shipped environments) on the infra test CA.
 */
export const GUARDED_VARIANTS: Readonly<
  Record<string, { envName: EnvironmentConfig['envName']; overrides: DeepPartial<EnvironmentConfig> }>
> = {
  dev: { envName: 'dev', overrides: {} },
  staging: { envName: 'staging', overrides: {} },
  prod: { envName: 'prod', overrides: {} },
  'prod-ec2': { envName: 'prod', overrides: { compute: 'ec2' } },
  'prod-eks': { envName: 'prod', overrides: { compute: 'eks' } },
  'prod-partner-api': { envName: 'prod', overrides: WITH_PARTNER_API },
};

/** Stack name → logical id → resource type, for every stateful resource of one environment. */
export type StatefulResources = Record<string, Record<string, string>>;

export function statefulResources(variant: string): StatefulResources {
  const guarded = GUARDED_VARIANTS[variant];
  if (!guarded)
    throw new Error(`unknown variant '${variant}'; one of ${Object.keys(GUARDED_VARIANTS).join(', ')}`);
  const { app } = synthEnvironment(guarded.envName, guarded.overrides, { complianceGate: false });
  const types = new Set<string>(STATEFUL_TYPES);
  const result: StatefulResources = {};
  for (const stack of app.synth().stacks) {
    const resources = (stack.template as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
    const stateful = Object.entries(resources)
      .filter(([, r]) => types.has(r.Type))
      .sort(([a], [b]) => a.localeCompare(b));
    result[stack.stackName] = Object.fromEntries(stateful.map(([id, r]) => [id, r.Type]));
  }
  return result;
}
