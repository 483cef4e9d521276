import { HOURS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Pricer, type PricingContext } from '../pricing.js';
import { arrayAt, prop, stringAt } from '../template.js';
import { gbOf } from '../traffic/index.js';
import { protectsApiStage } from './api.js';

const SECONDS_PER_HOUR = 3600;

/** Idle timeout of an ALB connection (its default); bounds the active connections per new connection. */
const ALB_IDLE_TIMEOUT_SECONDS = 60;

export const loadBalancer: Pricer = ({ resource, profile }) => {
  const type = stringAt(resource.properties, 'Type') ?? 'application';
  if (type !== 'application') throw new UnpricedError(`${type} load balancers are not in the price table`);
  const { requestKb, responseKb, requestsPerConnection } = profile.shape;
  const requests = profile.volumes.api.requestsPerMonth;
  const perSecond = requests / (HOURS_PER_MONTH * SECONDS_PER_HOUR);
  const newConnectionsPerSecond = perSecond / requestsPerConnection;
  const lcuPerHour = Math.max(
    newConnectionsPerSecond / 25,
    (newConnectionsPerSecond * ALB_IDLE_TIMEOUT_SECONDS) / 3000,
    gbOf(requests, requestKb + responseKb) / HOURS_PER_MONTH,
  );
  const charges = [
    { label: 'ALB hours', item: 'alb.hour', quantity: HOURS_PER_MONTH, note: 'always on' },
    {
      label: 'load balancer capacity units',
      item: 'alb.lcuHour',
      quantity: lcuPerHour * HOURS_PER_MONTH,
      note: `max of new connections ÷ 25/s, active ÷ 3,000, processed GB/h; requests spread evenly, ${requestsPerConnection} per connection; ≤ 10 rules evaluate free`,
    },
  ];
  if ((stringAt(resource.properties, 'Scheme') ?? 'internet-facing') === 'internet-facing') {
    const azs =
      arrayAt(resource.properties, 'Subnets').length || arrayAt(resource.properties, 'SubnetMappings').length;
    charges.push(
      {
        label: 'public IPv4 addresses',
        item: 'publicIpv4.hour',
        quantity: HOURS_PER_MONTH * azs,
        note: `one per AZ of an internet-facing ALB (${azs})`,
      },
      {
        label: 'data transfer out to the internet',
        item: 'dataTransfer.internetOut.gb',
        quantity: gbOf(requests, responseKb),
        note: 'API responses to clients',
      },
    );
  }
  return charges;
};

/**
 * AWS managed rule groups without a subscription fee, with their web ACL capacity units (AWS WAF developer
 * guide, "AWS Managed Rules rule groups list"). Others (Bot Control, fraud control, marketplace) cost extra.
 */
const FREE_MANAGED_RULE_GROUP_WCU: Readonly<Record<string, number>> = {
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesAdminProtectionRuleSet: 100,
};

/** Web ACLs up to this many WCUs pay only the base request price. */
const INCLUDED_WCU = 1500;

/** The requests a web ACL inspects under the profile, and what they are. */
export function wafRequests(
  env: PricingContext['env'],
  acl: PricingContext['resource'],
  profile: PricingContext['profile'],
): { readonly requests: number; readonly what: string } {
  if (stringAt(acl.properties, 'Scope') === 'CLOUDFRONT') {
    return { requests: profile.volumes.edge.requestsPerMonth, what: 'CloudFront' };
  }
  if (protectsApiStage(env, acl)) {
    return { requests: profile.volumes.partnerApi.requestsPerMonth, what: 'partner API' };
  }
  return { requests: profile.volumes.api.requestsPerMonth, what: 'API' };
}

export const webAcl: Pricer = ({ resource, env, profile }) => {
  const rules = arrayAt(resource.properties, 'Rules');
  let managedWcu = 0;
  for (const rule of rules) {
    const managed = prop(rule, 'Statement.ManagedRuleGroupStatement');
    if (managed === undefined) continue;
    const name = stringAt(managed, 'Name') ?? '';
    const wcu = stringAt(managed, 'VendorName') === 'AWS' ? FREE_MANAGED_RULE_GROUP_WCU[name] : undefined;
    if (wcu === undefined)
      throw new UnpricedError(`managed rule group ${name} has fees the price table does not hold`);
    managedWcu += wcu;
  }
  if (managedWcu > INCLUDED_WCU) {
    throw new UnpricedError(
      `managed rule groups use ${managedWcu} WCUs: requests above ${INCLUDED_WCU} WCUs cost extra`,
    );
  }
  const scope = stringAt(resource.properties, 'Scope');
  const inspects = wafRequests(env, resource, profile);
  return [
    { label: 'web ACL', item: 'waf.webAclMonth', quantity: 1, note: `${scope} scope` },
    {
      label: 'rules',
      item: 'waf.ruleMonth',
      quantity: rules.length,
      note: `${rules.length} rules (managed groups count one each)`,
    },
    {
      label: 'requests inspected',
      item: 'waf.requests1M',
      quantity: inspects.requests / 1_000_000,
      note: `the profile's ${inspects.what} requests`,
    },
  ];
};

export const distribution: Pricer = ({ resource, profile }) => {
  const config = prop(resource.properties, 'DistributionConfig');
  const priceClass = stringAt(config, 'PriceClass') ?? 'PriceClass_All';
  if (priceClass !== 'PriceClass_100') {
    throw new UnpricedError(
      `${priceClass} serves regions the price table does not hold (only PriceClass_100)`,
    );
  }
  const behaviors = [prop(config, 'DefaultCacheBehavior'), ...arrayAt(config, 'CacheBehaviors')];
  if (
    behaviors.some(
      (b) => arrayAt(b, 'FunctionAssociations').length + arrayAt(b, 'LambdaFunctionAssociations').length > 0,
    )
  ) {
    throw new UnpricedError('CloudFront Functions and Lambda@Edge are not priced');
  }
  const edge = profile.volumes.edge;
  return [
    {
      label: 'HTTPS requests',
      item: 'cloudfront.https10k',
      quantity: edge.requestsPerMonth / 10_000,
      note: "the profile's CloudFront requests (US, Canada, Europe)",
    },
    {
      label: 'data transfer out to viewers',
      item: 'cloudfront.transferOut.gb',
      quantity: edge.transferOutGb,
      note: 'fetches from the S3 origin are free; standard access logs are priced on their bucket',
    },
  ];
};
