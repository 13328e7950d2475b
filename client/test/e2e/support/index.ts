/** Chromium measurements the bench reuses (`@taskmaster/client/testing/e2e`); test code only. */
export * from './browser.js';
export * from './initial-sync.js';
export * from './offline-reload.js';
export * from './list-perf.js';
