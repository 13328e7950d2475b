/**
 * @taskmaster/sync-client: the local database (RxDB collections, the only write path, the device
 * clock, pending changes) and its replication with the sync server over a `SyncTransport`.
 * The PWA imports the subpath entries (`/db`, `/sync`, `/session`, …) so its lazy chunks stay lazy;
 * tests, benches and Node callers can use this entry.
 */
export * from './db/index.js';
export * from './sync/index.js';
export * from './sync/lazy-session.js';
