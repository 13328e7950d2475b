import { afterAll } from 'vitest';
import { runAccountStoreContract } from './account-store.contract.js';
import { runDocumentStoreContract } from './document-store.contract.js';
import { freshMongoStores, sharedDouble } from './mongo-fixture.js';

// MongoStore through the real driver (7.x) against our wire-protocol double: proves the adapter
// drives the driver correctly, not that MongoDB behaves the same (test/mongo-double/CONTEXT.md).
const double = sharedDouble();
afterAll(() => double.close());

runDocumentStoreContract('mongodb (emulated replica set)', async () => {
  const { stores, cleanup } = await freshMongoStores((await double.get()).uri);
  return { store: stores.documents, cleanup };
});
runAccountStoreContract('mongodb (emulated replica set)', async () => {
  const { stores, cleanup } = await freshMongoStores((await double.get()).uri);
  return { store: stores.accounts, cleanup };
});
