/**
 * The RxDB peer's server: RxDB 17's own websocket replication server (`rxdb/plugins/replication-websocket`)
 * over a storage-memory database with TaskMaster's task schema, no auth. Bound to 127.0.0.1, port 0.
 */
import type { AddressInfo } from 'node:net';
import { taskSchema, type Task } from '@taskmaster/shared-schema';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb/plugins/core';
import { startWebsocketServer } from 'rxdb/plugins/replication-websocket';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { serveRequests } from './ipc.js';

/** TaskMaster's task schema as a fresh collection (version 0: a peer has no older data to migrate). */
const peerSchema = { ...taskSchema, version: 0 } as unknown as RxJsonSchema<Task>;

const database = await createRxDatabase<{ tasks: RxCollection<Task> }>({
  name: `rxdb-server-${process.pid}`,
  storage: getRxStorageMemory(),
  multiInstance: false,
});
await database.addCollections({ tasks: { schema: peerSchema } });
const server = startWebsocketServer({ database, host: '127.0.0.1', port: 0 });
await new Promise<void>((resolve) => server.server.once('listening', () => resolve()));
const port = (server.server.address() as AddressInfo).port;

serveRequests({
  address: () => `ws://127.0.0.1:${port}`,
  /** Server-side preload, as an import would do it (not through replication); docs sent by the bench. */
  async preload(args) {
    await database.tasks.bulkInsert(args.docs as unknown as Task[]);
    return database.tasks.count().exec();
  },
  count: () => database.tasks.count().exec(),
});
