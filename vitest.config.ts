import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['infra', 'services/payment-api', 'services/functions', 'services/pki'],
  },
});
