import { defineConfig } from 'vitest/config';

// One project per test layer (DESIGN.md): unit mirrors lib/, integration runs against the real
// DynamoDB Local + s3rver started once by its globalSetup, infra synthesises the CDK app,
// e2e drives the CLI and the UI in Chromium.
const env = { DOTENV_CONFIG_QUIET: 'true', AWS_REGION: 'eu-west-1', POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'WARN' };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], env, testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          env,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], env, testTimeout: 180_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          env,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
