/**
 * Test support shared by every package's tests and benches (`@taskmaster/shared-schema/testing`).
 * Never imported by production code: it lives outside `src/` and is not part of the build.
 */
export * from './prng.js';
export * from './fixtures.js';
