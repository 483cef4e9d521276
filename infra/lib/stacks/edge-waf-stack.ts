import { ArnFormat, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { cloudWatchLogsKeyAccess } from '../constructs/cloudwatch-logs-key-access.js';
import { WebAcl } from '../constructs/web-acl.js';
import { uniqueName } from '../naming.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface EdgeWafStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The CloudFront web ACL, which AWS only accepts in us-east-1, with its own logs key there
 * (KMS keys are regional, so the primary region's logs key cannot encrypt this log group).
 */
export class EdgeWafStack extends Stack {
  readonly webAcl: WebAcl;

  constructor(scope: Construct, id: string, props: EdgeWafStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (this.region !== 'us-east-1') {
      throw new Error(`EdgeWafStack must be deployed in us-east-1 (CLOUDFRONT scope), got '${this.region}'`);
    }
    const removalPolicy = toRemovalPolicy(config.removalPolicy);

    const logsKey = new kms.Key(this, 'WafLogsKey', {
      description: `Tessera ${config.envName}: CloudFront WAF logs in us-east-1`,
      alias: `tessera/${config.envName}/edge-waf-logs`,
      enableKeyRotation: true,
      removalPolicy,
    });
    logsKey.addToResourcePolicy(
      cloudWatchLogsKeyAccess({
        sid: 'AllowCloudWatchLogsInThisRegion',
        region: this.region,
        logGroupArnPattern: this.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      }),
    );

    this.webAcl = new WebAcl(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      rateLimitPerFiveMinutes: config.edge.wafRateLimitPerFiveMinutes,
      logGroupName: `aws-waf-logs-${uniqueName(this, 'cdn')}`,
      logEncryptionKey: logsKey,
      logRetention: config.edge.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });

    new CfnOutput(this, 'WebAclArn', {
      value: this.webAcl.webAclArn,
      description: 'CLOUDFRONT-scope web ACL protecting the static content distribution',
    });
  }
}
