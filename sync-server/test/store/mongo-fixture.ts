import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import { openMongoStores } from '../../src/store/mongo/mongo-stores.js';
import type { Stores } from '../../src/store/open-stores.js';
import { startMongoDouble, type MongoDouble } from '../mongo-double/index.js';

/** Pool settings for tests: small, and no idle connections held open between tests. */
export const TEST_POOL = { maxPoolSize: 10, minPoolSize: 0, socketTimeoutMS: 45_000 } as const;

/** One double per test file, started on first use; each store gets a database of its own. */
export function sharedDouble(): { get(): Promise<MongoDouble>; close(): Promise<void> } {
  let double: Promise<MongoDouble> | undefined;
  return {
    get: () => (double ??= startMongoDouble()),
    async close() {
      if (double) await (await double).close();
    },
  };
}

/** Fresh stores on a fresh database (dropped again on cleanup when it is a real server). */
export async function freshMongoStores(
  uri: string,
  options: { real?: boolean; registry?: Registry } = {},
): Promise<{ stores: Stores; dbName: string; cleanup(): Promise<void> }> {
  const dbName = `taskmaster_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const stores = await openMongoStores({
    uri,
    dbName,
    ...TEST_POOL,
    serverSelectionTimeoutMS: 10_000,
    registry: options.registry ?? new Registry(),
  });
  await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
  return {
    stores,
    dbName,
    async cleanup() {
      await stores.close();
      if (options.real) {
        const client = new MongoClient(uri);
        await client.db(dbName).dropDatabase();
        await client.close();
      }
    },
  };
}
