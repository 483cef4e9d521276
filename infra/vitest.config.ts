import { defineConfig } from 'vitest/config';

// CDK synthesis (and the cdk-nag packs on top of it) takes several seconds per environment on a shared CI box.
export default defineConfig({ test: { name: 'infra', testTimeout: 180_000, hookTimeout: 180_000 } });
