import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const HANDLER_ENTRY = fileURLToPath(new URL('../../src/rotation/handler.ts', import.meta.url));
export const AUTHORIZER_ENTRY = fileURLToPath(
  new URL('../../src/client-certificate-authorizer/handler.ts', import.meta.url),
);

/**
 * The bundling the platform's NodejsFunctions perform (`infra/lib/constructs/lambda-bundling.ts`, which
 * `infra/test/constructs/lambda-bundling.test.ts` keeps equal to this: nodejs22.x, `OutputFormat.ESM`, minified,
 * AWS SDK bundled, `pg-native` external) — one ESM file with a
 * `require` shim, because pg is CommonJS and requires Node built-ins.
 */
export const ROTATION_BUNDLING: BuildOptions = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  external: ['pg-native'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
};

export async function bundleRotationHandler(outfile: string): Promise<void> {
  await bundleHandler(HANDLER_ENTRY, outfile);
}

/** Bundles a Lambda entry point with the same settings (the authorizer's function uses them too). */
export async function bundleHandler(entry: string, outfile: string): Promise<void> {
  const result = await build({
    ...ROTATION_BUNDLING,
    entryPoints: [entry],
    bundle: true,
    outfile,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`bundling failed: ${JSON.stringify(result.errors)}`);
}
