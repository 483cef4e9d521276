import { RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export type WebAclScope = 'REGIONAL' | 'CLOUDFRONT';

export interface WebAclProps {
  /** REGIONAL for load balancers and API stages; CLOUDFRONT must be deployed in us-east-1. */
  readonly scope: WebAclScope;
  /** Requests allowed per client IP within a five-minute window before WAF blocks. */
  readonly rateLimitPerFiveMinutes: number;
  /** Name of the WAF log group; WAF only accepts destinations named `aws-waf-logs-…`. */
  readonly logGroupName: string;
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * Request headers replaced by `REDACTED` in WAF logs (WAF never logs bodies).
   * @default ['authorization', 'cookie']
   */
  readonly redactedHeaders?: string[];
  /**
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Request headers only a forwarder inside the VPC may set (the partner API's VPC link sets the certificate's
   * merchant): a request that carries one of them from anywhere else is blocked before any other rule. The
   * forwarder's sources also skip the per-IP rate limit, which would count all the clients it forwards as one
   * address (the forwarder throttles them itself).
   * @default - no reserved headers
   */
  readonly trustedForwarder?: WebAclTrustedForwarder;
}

export interface WebAclTrustedForwarder {
  /** Header names (any case) that only the forwarder may send. */
  readonly headers: readonly string[];
  /**
   * IPv4 CIDRs the forwarder's requests come from; empty blocks the headers from every source.
   * @default []
   */
  readonly sourceCidrs?: readonly string[];
}

const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/**
 * WAFv2 web ACL with the AWS managed IP reputation, common, known-bad-inputs and SQL injection
 * rule groups plus a per-IP rate limit, logging to a KMS-encrypted CloudWatch log group with
 * credentials redacted.
 */
export class WebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;
  public readonly webAclArn: string;
  /** Metric name of the web ACL's visibility config: the `WebACL` dimension of its AWS/WAFV2 metrics. */
  public readonly metricName: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (!props.logGroupName.startsWith('aws-waf-logs-')) {
      throw new Error(
        `logGroupName must start with 'aws-waf-logs-' (a WAF requirement), got '${props.logGroupName}'`,
      );
    }
    if (!Number.isInteger(props.rateLimitPerFiveMinutes) || props.rateLimitPerFiveMinutes < 10) {
      throw new Error(
        `rateLimitPerFiveMinutes must be an integer >= 10 (WAF minimum), got ${props.rateLimitPerFiveMinutes}`,
      );
    }
    if (props.scope === 'CLOUDFRONT') {
      const region = Stack.of(this).region;
      if (region !== 'us-east-1') {
        throw new Error(`a CLOUDFRONT web ACL must be deployed in us-east-1, got stack region '${region}'`);
      }
    }

    const metricPrefix = `${Stack.of(this).stackName}-${id}`.replace(/[^A-Za-z0-9-]/g, '');
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${name}`.slice(0, 128),
    });

    const forwarder =
      props.trustedForwarder && this.trustedForwarderRule(props.trustedForwarder, props.scope);
    const rules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, index) => ({
      name,
      priority: index + 1,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    }));
    if (forwarder) rules.unshift({ ...forwarder.rule, visibilityConfig: visibility(forwarder.rule.name) });
    rules.push({
      name: 'RateLimitPerIp',
      priority: MANAGED_RULE_GROUPS.length + 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: props.rateLimitPerFiveMinutes,
          aggregateKeyType: 'IP',
          evaluationWindowSec: 300,
          ...(forwarder?.notFromForwarder && { scopeDownStatement: forwarder.notFromForwarder }),
        },
      },
      visibilityConfig: visibility('RateLimitPerIp'),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      rules,
    });
    this.webAclArn = this.webAcl.attrArn;
    this.metricName = visibility('WebAcl').metricName;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const redactedHeaders = props.redactedHeaders ?? ['authorization', 'cookie'];
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the ':*' suffix that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: redactedHeaders.map((name) => ({ singleHeader: { Name: name } })),
    });
  }

  /**
   * Blocks the forwarder's headers from everyone else; returns the statement "not from the forwarder" when it
   * has sources.
   */
  private trustedForwarderRule(
    forwarder: WebAclTrustedForwarder,
    scope: WebAclScope,
  ): {
    rule: Omit<wafv2.CfnWebACL.RuleProperty, 'visibilityConfig'>;
    notFromForwarder?: wafv2.CfnWebACL.StatementProperty;
  } {
    if (forwarder.headers.length === 0)
      throw new Error('trustedForwarder.headers must name at least one header');
    const carriesHeader = forwarder.headers.map((name): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        // Every header key, lower-cased, compared whole: a request cannot slip the header past in another
        // case. Headers beyond what WAF inspects (8 KB, 200 headers) count as a match: fail closed.
        fieldToMatch: {
          headers: { matchPattern: { all: {} }, matchScope: 'KEY', oversizeHandling: 'MATCH' },
        },
        positionalConstraint: 'EXACTLY',
        searchString: name.toLowerCase(),
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    }));
    const carriesAny =
      carriesHeader.length === 1 ? carriesHeader[0]! : { orStatement: { statements: carriesHeader } };
    const sources = forwarder.sourceCidrs ?? [];
    const notFromForwarder: wafv2.CfnWebACL.StatementProperty | undefined =
      sources.length === 0
        ? undefined
        : {
            notStatement: {
              statement: {
                ipSetReferenceStatement: {
                  arn: new wafv2.CfnIPSet(this, 'TrustedForwarder', {
                    scope,
                    ipAddressVersion: 'IPV4',
                    addresses: [...sources],
                    description:
                      'Sources that may send the reserved headers: the VPC link of the partner API',
                  }).attrArn,
                },
              },
            },
          };
    return {
      rule: {
        name: 'BlockReservedHeaders',
        priority: 0,
        action: { block: {} },
        statement: notFromForwarder
          ? { andStatement: { statements: [carriesAny, notFromForwarder] } }
          : carriesAny,
      },
      notFromForwarder,
    };
  }

  /** Protects a regional resource (load balancer, API Gateway stage) with this web ACL. */
  public associate(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(this, id, { webAclArn: this.webAcl.attrArn, resourceArn });
  }
}
