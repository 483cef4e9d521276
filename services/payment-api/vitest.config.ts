import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'payment-api',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Database-backed tests start real servers and PGlite (WASM); give hooks room on a shared 2-core box.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
