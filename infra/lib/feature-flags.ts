import type { App } from 'aws-cdk-lib';

/**
 * CDK feature flags Tessera relies on, set on the app before any stack exists so the CLI (`cdk.json`) and the
 * tests (`new App()`) synthesize the same templates.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  // Grant S3 server-access-log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL,
  // so log target buckets can keep ACLs disabled (BucketOwnerEnforced).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // Stacks of one environment share account and region; strong references (exports) stop a producer stack
  // from deleting a value a consumer still uses.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export function applyFeatureFlags(app: App): void {
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
}
