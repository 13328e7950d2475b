import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshMongoStores, sharedDouble } from './mongo-fixture.js';

export interface ServerOnStore {
  name: string;
  start(): Promise<{ server: TestServer; storeKind: string; cleanup(): Promise<void> }>;
}

/**
 * A test server on each store adapter: the SQLite file, and the MongoDB adapter through the real
 * driver against our wire-protocol double (EMULATED: it proves the adapter drives the driver
 * correctly, not that MongoDB behaves the same; MONGODB_URI runs it against a real replica set).
 * Call `close()` after the file's tests (afterAll) to stop the double.
 */
export function serversOnStores(): { adapters: ServerOnStore[]; close(): Promise<void> } {
  const double = sharedDouble();
  const adapters: ServerOnStore[] = [
    {
      name: 'sqlite',
      async start() {
        const server = await startTestServer();
        return { server, storeKind: 'sqlite', cleanup: () => server.dispose() };
      },
    },
    {
      name: process.env.MONGODB_URI ? 'mongodb' : 'mongodb (emulated)',
      async start() {
        const uri = process.env.MONGODB_URI ?? (await double.get()).uri;
        const mongo = await freshMongoStores(uri, { real: Boolean(process.env.MONGODB_URI) });
        const server = await startTestServer({ stores: { ...mongo.stores, close: async () => undefined } });
        return {
          server,
          storeKind: mongo.stores.kind,
          async cleanup() {
            await server.dispose();
            await mongo.cleanup();
          },
        };
      },
    },
  ];
  return { adapters, close: () => double.close() };
}
