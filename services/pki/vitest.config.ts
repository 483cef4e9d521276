import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'pki',
    include: ['test/**/*.test.ts'],
    // RSA key generation and the CLI's end-to-end runs take a few seconds on a shared 2-core machine.
    testTimeout: 30_000,
  },
});
