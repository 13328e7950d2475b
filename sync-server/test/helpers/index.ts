/**
 * Test support for other packages' tests and benches (`@taskmaster/sync-server/testing`): a real
 * server on an ephemeral port and Node devices running the real sync engine. Not part of the build.
 */
export * from './device.js';
export * from './server.js';
