/**
 * Bench support for other packages' benches (`@taskmaster/sync-server/bench`): the built server as
 * its own process on an ephemeral port, the median/percentile helpers, and account registration.
 * Not part of the build.
 */
export { MAIN_JS, startServerProcess, type ServerProcess } from './server-process.js';
export { median, medianOfRuns, percentile, round } from './stats.js';
export { registerAccount, type Account } from '../test/helpers/device.js';
