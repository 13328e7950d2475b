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
    // A loaded CI machine can take seconds where an idle one takes milliseconds: polls wait long
    // enough for the former, and stop as soon as the condition holds.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
