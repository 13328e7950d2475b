import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { packageBoundaries } from './eslint-package-boundaries.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist-lib/**', '**/node_modules/**', 'coverage/**', 'client/dev-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Packages import each other by name through their entry points, never by relative path.
    plugins: { taskmaster: packageBoundaries },
    rules: { 'taskmaster/no-cross-package-relative-import': 'error' },
  },
  {
    // mongosh script: runs inside the MongoDB shell, where `rs` and `print` are globals.
    files: ['docker/mongo-init-replica-set.js'],
    languageOptions: { globals: { rs: 'readonly', print: 'readonly' } },
  },
  {
    files: ['**/bench/**', '**/scripts/**', '**/*.test.ts', '**/*.test.tsx', '**/test/**'],
    rules: { 'no-console': 'off' },
  },
);
