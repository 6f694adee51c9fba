import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts', 'services/**/*.test.ts', 'queues/**/*.test.ts', 'prisma/**/*.test.ts', 'contract/**/*.test.ts', 'web-agent/src/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start hub processes and databases; two cores do not gain from more.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
