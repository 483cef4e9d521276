import { UnpricedError, type Pricer } from '../pricing.js';
import { prop, type EnvironmentModel, type Resource } from '../template.js';

/** The REST API's requests: the profile's partner API requests (response transfer is on the load balancer line). */
export const restApi: Pricer = ({ profile }) => [
  {
    label: 'REST API requests',
    item: 'apiGateway.rest.requests1M',
    quantity: profile.volumes.partnerApi.requestsPerMonth / 1_000_000,
    note: "the profile's partner API requests; their responses are counted as transfer out on the load balancer",
  },
];

/** A stage bills nothing by itself; a cache cluster (billed per hour by size) is not in the price table. */
export const apiStage: Pricer = ({ resource }) => {
  if (prop(resource.properties, 'CacheClusterEnabled') === true) {
    throw new UnpricedError('API Gateway caches are billed per hour by size and are not in the price table');
  }
  return [];
};

/** True when the web ACL is associated with an API Gateway stage (it inspects partner API requests). */
export function protectsApiStage(env: EnvironmentModel, webAcl: Resource): boolean {
  return env
    .referrers(webAcl, 'AWS::WAFv2::WebACLAssociation')
    .some((a) =>
      env
        .targets(a.stack, prop(a.properties, 'ResourceArn'))
        .some((r) => r.type === 'AWS::ApiGateway::Stage'),
    );
}
