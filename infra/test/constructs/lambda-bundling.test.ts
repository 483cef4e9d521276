import { describe, expect, it } from 'vitest';
import { ESM_BUNDLING } from '../../lib/constructs/lambda-bundling.js';
import { ROTATION_BUNDLING } from '../../../services/functions/test/support/bundle-handler.js';

describe('ESM_BUNDLING', () => {
  it('bundles exactly as the functions tests do, so the tested bundle is the deployed one', () => {
    expect({
      format: ESM_BUNDLING.format,
      target: ESM_BUNDLING.target,
      mainFields: ESM_BUNDLING.mainFields,
      minify: ESM_BUNDLING.minify,
      external: ESM_BUNDLING.externalModules,
      banner: ESM_BUNDLING.banner,
    }).toEqual({
      format: ROTATION_BUNDLING.format,
      target: ROTATION_BUNDLING.target,
      mainFields: ROTATION_BUNDLING.mainFields,
      minify: ROTATION_BUNDLING.minify,
      external: ROTATION_BUNDLING.external,
      banner: ROTATION_BUNDLING.banner?.js,
    });
    // The AWS SDK goes into the bundle (the functions tests run the bundle with no node_modules in reach).
    expect(ESM_BUNDLING.bundleAwsSDK).toBe(true);
    expect(ESM_BUNDLING.forceDockerBundling).toBe(false);
  });
});
