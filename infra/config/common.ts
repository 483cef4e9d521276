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
 * Stand-in for the pinned NAT AMI until an operator pins the current Amazon Linux 2023 arm64 image of the
 * region (`aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64`).
 * Synth works with it; a deploy that would launch NAT instances refuses it (see ./preflight.ts).
 */
export const PLACEHOLDER_NAT_AMI = 'ami-00000000000000000';

/** NAT AMIs pinned per region, so a new Amazon Linux release does not replace the NAT instances on deploy. */
export const NAT_INSTANCE_AMIS: Record<string, string> = {
  'us-east-1': PLACEHOLDER_NAT_AMI,
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
