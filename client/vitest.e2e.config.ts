import { defineConfig } from 'vitest/config';

/**
 * Chromium end-to-end tests: `npx vitest run -c client/vitest.e2e.config.ts`. Files run one after
 * another (each starts its own server and browser; two cores do not run several Chromiums well).
 */
export default defineConfig({
  test: {
    name: 'client-e2e',
    root: import.meta.dirname,
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
