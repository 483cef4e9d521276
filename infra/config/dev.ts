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

/** dev: two AZs, one NAT instance per AZ, everything destroyable. */
export const dev: EnvironmentConfig = {
  envName: 'dev',
  accounts: { ...PLACEHOLDER_ACCOUNTS },
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  azCount: 2,
  vpcCidrs: { ...VPC_CIDRS },
  natStrategy: 'instance',
  natInstance: { instanceType: 't4g.nano', amiIds: { ...NAT_INSTANCE_AMIS } },
  interfaceEndpoints: [...BASE_INTERFACE_ENDPOINTS],
  logRetentionDays: 30,
  flowLogs: { glacierTransitionDays: 0, expirationDays: 90 },
  removalPolicy: 'destroy',
  data: dataDefaults('dev'),
  alertEmails: {
    security: 'security-dev@tessera.example.com',
    compliance: 'compliance-dev@tessera.example.com',
    operations: 'operations-dev@tessera.example.com',
  },
  security: {
    trail: { bucketRetentionDays: 365, logRetentionDays: 365 },
    guardDuty: { mode: 'create', alertSeverity: 7 },
    config: {
      mode: 'create',
      createServiceLinkedRole: true,
      conformancePack: true,
      historyRetentionDays: 365,
    },
    securityHub: { mode: 'create' },
  },
  tags: baseTags('dev'),
  compute: DEFAULT_COMPUTE,
  app: appDefaults('dev'),
  edge: edgeDefaults('dev'),
};
