import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { AccountStore } from './account-store.js';
import type { DocumentStore } from './document-store.js';
import type { Migratable } from './migrations/migrator.js';
import { createSqliteAccountStore } from './sqlite/sqlite-account-store.js';
import { createSqliteDocumentStore } from './sqlite/sqlite-document-store.js';

export interface Stores {
  /** `sqlite` or `mongodb`. */
  kind: string;
  documents: DocumentStore & Migratable;
  accounts: AccountStore & Migratable;
  /** Closes both stores (and the shared connection, if any). */
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  dataDir: string;
  /** Apply pending migrations on open (start-up); `npm run migrate` passes false. */
  migrate?: boolean;
}

/** The embedded stores: both ports in one SQLite file under the data directory. */
export function openSqliteStores(options: OpenStoresOptions): Stores {
  const file = join(options.dataDir, 'taskmaster.sqlite');
  const documents = createSqliteDocumentStore({ file, migrate: options.migrate });
  const accounts = createSqliteAccountStore({ file, migrate: options.migrate });
  return {
    kind: 'sqlite',
    documents,
    accounts,
    async close() {
      await Promise.all([documents.close(), accounts.close()]);
    },
  };
}

export interface StoreConfig {
  dataDir: string;
  mongodbUri: string | undefined;
  mongo: { maxPoolSize: number; minPoolSize: number; socketTimeoutMS: number };
}

/**
 * The stores the configuration asks for: MongoDB (replica set) when `MONGODB_URI` is set,
 * otherwise the embedded SQLite file. The MongoDB adapter is loaded only then, so the embedded
 * default never touches the driver.
 */
export async function openStores(
  config: StoreConfig,
  options: { migrate?: boolean; registry?: Registry } = {},
): Promise<Stores> {
  if (!config.mongodbUri) return openSqliteStores({ dataDir: config.dataDir, migrate: options.migrate });
  const { openMongoStores } = await import('./mongo/mongo-stores.js');
  return openMongoStores({
    uri: config.mongodbUri,
    ...config.mongo,
    migrate: options.migrate,
    registry: options.registry,
  });
}
