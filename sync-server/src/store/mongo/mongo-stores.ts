import { Counter, type Registry } from 'prom-client';
import type { Stores } from '../open-stores.js';
import { createMongoAccountStore } from './mongo-account-store.js';
import { connectMongo, createTransactionRunner, type MongoConnectionOptions } from './mongo-connection.js';
import { createMongoDocumentStore } from './mongo-document-store.js';
import { MONGO_ACCOUNT_MIGRATIONS, MONGO_DOCUMENT_MIGRATIONS, mongoMigratable } from './mongo-migrations.js';

export interface OpenMongoStoresOptions extends MongoConnectionOptions {
  /** Apply pending migrations on open (start-up); `npm run migrate` passes false. */
  migrate?: boolean;
  /** Where `taskmaster_store_transaction_retries_total` is registered (the server's registry). */
  registry?: Registry;
  /** Bound on transaction attempts (TransientTransactionError) and commit attempts per push. */
  maxTransactionAttempts?: number;
  now?: () => number;
  newId?: () => string;
}

/**
 * Both ports on one MongoDB replica set, sharing one client (pool). Refuses a standalone server
 * (see {@link connectMongo}). Migrations run before `ready()` resolves.
 */
export async function openMongoStores(options: OpenMongoStoresOptions): Promise<Stores> {
  const { client, db } = await connectMongo(options);
  const retries = new Counter({
    name: 'taskmaster_store_transaction_retries_total',
    help: 'Store transactions retried after TransientTransactionError or UnknownTransactionCommitResult',
    labelNames: ['operation', 'reason'],
    registers: options.registry ? [options.registry] : [],
  });
  const runTransaction = createTransactionRunner(client, {
    maxAttempts: options.maxTransactionAttempts,
    onRetry: (operation, reason) => retries.inc({ operation, reason }),
  });
  const documentMigrations = mongoMigratable(db, 'documents', MONGO_DOCUMENT_MIGRATIONS);
  const accountMigrations = mongoMigratable(db, 'accounts', MONGO_ACCOUNT_MIGRATIONS);
  const migrated =
    options.migrate === false
      ? Promise.resolve()
      : (async () => {
          await documentMigrations.migrateUp();
          await accountMigrations.migrateUp();
        })();
  migrated.catch(() => undefined);
  const documents = createMongoDocumentStore({ db, runTransaction, ready: migrated });
  const accounts = createMongoAccountStore({
    db,
    runTransaction,
    ready: migrated,
    now: options.now,
    newId: options.newId,
  });
  let closing: Promise<void> | undefined;
  return {
    kind: 'mongodb',
    documents: { ...documents, ...documentMigrations },
    accounts: { ...accounts, ...accountMigrations },
    close() {
      closing ??= (async () => {
        await migrated.catch(() => undefined);
        await Promise.all([documents.close(), accounts.close()]);
        await client.close();
      })();
      return closing;
    },
  };
}
