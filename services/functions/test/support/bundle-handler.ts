import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const HANDLER_ENTRY = fileURLToPath(new URL('../../src/rotation/handler.ts', import.meta.url));

/**
 * The bundling the data stack's NodejsFunction performs (runtime nodejs22.x, `OutputFormat.ESM`): one ESM
 * file, the AWS SDK v3 left to the runtime, and a `require` shim for pg's CommonJS internals.
 */
export const ROTATION_BUNDLING = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
} as const;

export async function bundleRotationHandler(outfile: string): Promise<void> {
  const result = await build({
    ...ROTATION_BUNDLING,
    entryPoints: [HANDLER_ENTRY],
    bundle: true,
    outfile,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`bundling failed: ${JSON.stringify(result.errors)}`);
}
