/**
 * The app is written against React's API and types, and runs on Preact's compat layer: React DOM
 * alone is ~60 KB gzip, which with RxDB and Dexie would not fit the 150 KB critical-path budget.
 * Shared by the Vite build and the client's vitest project, so tests run the production runtime.
 */
export const preactAliases = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/**
 * For vitest: Testing Library's `main` is CommonJS, whose `require('react-dom')` no alias reaches,
 * so tests load its ES module build (and inline it, so the aliases above apply inside it).
 */
export const testingLibraryPreact = {
  alias: [
    { find: /^@testing-library\/react$/, replacement: '@testing-library/react/dist/@testing-library/react.esm.js' },
  ],
  inline: ['@testing-library/react', '@testing-library/dom'],
};
