/**
 * The PouchDB peer's server: express-pouchdb 4.2 (CouchDB's HTTP API) over PouchDB 9 in memory,
 * in its minimum-for-PouchDB mode, no auth. Bound to 127.0.0.1, port 0.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { RequestListener } from 'node:http';
import { serveRequests } from './ipc.js';
import { MemoryPouchDB, type PouchConstructor } from './pouch.js';

const require = createRequire(import.meta.url);
const expressPouchDB = require('express-pouchdb') as (
  pouch: PouchConstructor,
  options: { mode: string },
) => RequestListener;

const app = expressPouchDB(MemoryPouchDB, { mode: 'minimumForPouchDB' });
const server = createServer(app);
server.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const port = (server.address() as AddressInfo).port;
const tasks = new MemoryPouchDB('tasks');

serveRequests({
  address: () => `http://127.0.0.1:${port}/tasks`,
  /** Server-side preload (not through replication); docs sent by the bench, with `_id`. */
  async preload(args) {
    await tasks.bulkDocs(args.docs as unknown as Record<string, unknown>[]);
    return (await tasks.info()).doc_count;
  },
  count: async () => (await tasks.info()).doc_count,
});
