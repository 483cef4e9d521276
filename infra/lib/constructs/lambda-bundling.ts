import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How Tessera bundles a TypeScript Lambda handler (local esbuild, no Docker): one minified ESM file for
 * nodejs22.x with the AWS SDK inside, so the tested client version ships rather than the one the runtime
 * carries. `services/functions/test/support/bundle-handler.ts` bundles with the same settings in its tests.
 */
export const ESM_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  bundleAwsSDK: true,
  // pg only loads pg-native when asked for native bindings; we never do.
  externalModules: ['pg-native'],
  // CommonJS dependencies (pg) call require() on Node built-ins; an ESM bundle needs a real require.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};
