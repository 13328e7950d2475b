/** The local database: schemas from shared-schema, and the only write path the UI may use. */
export * from './conflict-writes.js';
export * from './database.js';
export * from './deferred-actions.js';
export * from './device-clock.js';
export * from './import-writes.js';
export * from './list-writes.js';
export { getMingoQuery as compileMangoSelector, UnsupportedSelectorError } from './mango-matcher.js';
export * from './mutations.js';
export * from './patches.js';
export * from './pending.js';
export * from './repeat-writes.js';
export * from './subtask-writes.js';
export * from './task-actions.js';
