import type { EnvironmentConfig } from '../../config/index.js';
import type { DeepPartial } from './synth.js';

/** The infra test CA's files (its key was discarded): they synthesize, the deploy preflight refuses them. */
export const TEST_TRUSTSTORE = 'infra/test/support/partner-ca/truststore.pem';
export const TEST_REVOCATION_LIST = 'infra/test/support/partner-ca/revocations.json';

export const ZONE = { id: 'Z0123456789ABC', name: 'pay.example.com' } as const;
export const PARTNER_DOMAIN = 'partner.pay.example.com';
export const ALB_DOMAIN = 'api.pay.example.com';

/** Overrides that enable the partner API with the infra test CA, its own name and the load balancer's name. */
export const WITH_PARTNER_API = {
  app: { tls: { hostedZone: ZONE, domainName: ALB_DOMAIN } },
  api: {
    enabled: true,
    domainName: PARTNER_DOMAIN,
    hostedZone: ZONE,
    truststoreFile: TEST_TRUSTSTORE,
    revocationListFile: TEST_REVOCATION_LIST,
  },
} as const satisfies DeepPartial<EnvironmentConfig>;

/** Enables the partner API on a mutable copy of an environment's defaults. */
export function enablePartnerApi(c: EnvironmentConfig): EnvironmentConfig {
  c.app.tls = { ...WITH_PARTNER_API.app.tls };
  c.api = { ...c.api, ...WITH_PARTNER_API.api };
  return c;
}
