import type { EnvironmentConfig } from './schema.js';

/**
 * Account ids used until real ones are configured. Synth works with them; a deploy refuses them
 * (see `assertDeployable` in ./preflight.ts).
 */
export const PLACEHOLDER_ACCOUNTS = {
  payment: '111111111111',
  analytics: '222222222222',
} as const;

/** Interface endpoints every environment needs so private workloads reach AWS APIs without the NAT. */
export const BASE_INTERFACE_ENDPOINTS: EnvironmentConfig['interfaceEndpoints'] = [
  'secretsmanager',
  'kms',
  'ecr.api',
  'ecr.dkr',
  'logs',
  'sqs',
  'sts',
];

/**
 * Amazon Linux 2023 arm64 AMIs pinned per region for NAT instances. Pinned so that a new AL2023 release
 * does not replace the NAT instances on the next deploy; refresh deliberately (see docs/adr).
 */
export const NAT_INSTANCE_AMIS: Record<string, string> = {
  'us-east-1': 'ami-0c1ac8a41498c1a9c',
};

export const VPC_CIDRS = { payment: '10.0.0.0/16', analytics: '10.1.0.0/16' } as const;

export function baseTags(envName: EnvironmentConfig['envName']): Record<string, string> {
  return {
    Environment: envName,
    Application: 'tessera',
    CostCenter: 'payments-platform',
    ManagedBy: 'aws-cdk',
  };
}
