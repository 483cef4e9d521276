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

/** staging: three AZs behind a single NAT gateway; logs kept a year (PCI DSS 10.5.1). */
export const staging: EnvironmentConfig = {
  envName: 'staging',
  accounts: { ...PLACEHOLDER_ACCOUNTS },
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  azCount: 3,
  vpcCidrs: { ...VPC_CIDRS },
  natStrategy: 'single-gateway',
  natInstance: { instanceType: 't4g.nano', amiIds: { ...NAT_INSTANCE_AMIS } },
  interfaceEndpoints: [...BASE_INTERFACE_ENDPOINTS],
  logRetentionDays: 365,
  flowLogs: { glacierTransitionDays: 90, expirationDays: 400 },
  removalPolicy: 'destroy',
  data: dataDefaults('staging'),
  alertEmails: {
    security: 'security-staging@tessera.example.com',
    compliance: 'compliance-staging@tessera.example.com',
    operations: 'operations-staging@tessera.example.com',
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
  tags: baseTags('staging'),
  compute: DEFAULT_COMPUTE,
  app: appDefaults('staging'),
  edge: edgeDefaults('staging'),
};
