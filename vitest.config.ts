import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@taskmaster/shared-schema': src('./shared-schema/src/index.ts'),
      '@taskmaster/client/sync': src('./client/src/sync/index.ts'),
      '@taskmaster/client/db': src('./client/src/db/index.ts'),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'shared-schema', include: ['shared-schema/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'sync-server',
          include: ['sync-server/src/**/*.test.ts', 'sync-server/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'client',
          include: ['client/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      // Chromium end-to-end tests against the built app served by the real server.
      './client/vitest.e2e.config.ts',
    ],
  },
});
