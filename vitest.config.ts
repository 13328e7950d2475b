import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Longest first: a package's subpath entries before its main entry.
      '@taskmaster/shared-schema/testing': src('./shared-schema/testing/index.ts'),
      '@taskmaster/shared-schema': src('./shared-schema/src/index.ts'),
      '@taskmaster/sync-client/db': src('./client/sync-engine/src/db/index.ts'),
      '@taskmaster/sync-client/recurrence': src('./client/sync-engine/src/db/recurrence.ts'),
      '@taskmaster/sync-client/sync': src('./client/sync-engine/src/sync/index.ts'),
      '@taskmaster/sync-client/session-store': src('./client/sync-engine/src/sync/session-store.ts'),
      '@taskmaster/sync-client/session': src('./client/sync-engine/src/sync/session.ts'),
      '@taskmaster/sync-client/lazy-session': src('./client/sync-engine/src/sync/lazy-session.ts'),
      '@taskmaster/sync-client': src('./client/sync-engine/src/index.ts'),
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
          name: 'sync-client',
          include: ['client/sync-engine/src/**/*.test.ts', 'client/sync-engine/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
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
          include: ['client/src/**/*.test.{ts,tsx}', 'client/test/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['client/test/support/dom-setup.ts'],
          testTimeout: 30_000,
        },
      },
      // Chromium end-to-end tests against the built app served by the real server.
      './client/vitest.e2e.config.ts',
    ],
  },
});
