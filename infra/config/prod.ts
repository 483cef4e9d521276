import {
  BASE_INTERFACE_ENDPOINTS,
  NAT_INSTANCE_AMIS,
  PLACEHOLDER_ACCOUNTS,
  VPC_CIDRS,
  baseTags,
} from './common.js';
import { DEFAULT_COMPUTE, appDefaults, edgeDefaults } from './compute-defaults.js';
import { dataDefaults } from './data-defaults.js';
import type { EnvironmentConfig } from './schema.js';

/** prod: three AZs, one NAT gateway per AZ, every stateful resource retained. */
export const prod: EnvironmentConfig = {
  envName: 'prod',
  accounts: { ...PLACEHOLDER_ACCOUNTS },
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  azCount: 3,
  vpcCidrs: { ...VPC_CIDRS },
  natStrategy: 'gateway-per-az',
  natInstance: { instanceType: 't4g.nano', amiIds: { ...NAT_INSTANCE_AMIS } },
  interfaceEndpoints: [...BASE_INTERFACE_ENDPOINTS, 'ssm', 'ssmmessages', 'ec2messages', 'monitoring'],
  logRetentionDays: 365,
  flowLogs: { glacierTransitionDays: 90, expirationDays: 2557 },
  removalPolicy: 'retain',
  data: dataDefaults('prod'),
  alertEmails: {
    security: 'security@tessera.example.com',
    compliance: 'compliance@tessera.example.com',
    operations: 'operations@tessera.example.com',
  },
  security: {
    trail: { bucketRetentionDays: 2557, logRetentionDays: 365 },
    guardDuty: { mode: 'create', alertSeverity: 7 },
    config: {
      mode: 'create',
      createServiceLinkedRole: true,
      conformancePack: true,
      historyRetentionDays: 2557,
    },
    securityHub: { mode: 'create' },
  },
  tags: baseTags('prod'),
  compute: DEFAULT_COMPUTE,
  app: appDefaults('prod'),
  edge: edgeDefaults('prod'),
};
