import type { AccountStore } from '../account-store.js';
import type { DocumentStore } from '../document-store.js';
import { createMemoryAccountStore, type MemoryAccountStoreOptions } from './memory-account-store.js';
import { createMemoryDocumentStore } from './memory-document-store.js';

/** Both ports in memory (tests and the deterministic simulation): nothing survives `close()`. */
export function createMemoryStores(options: MemoryAccountStoreOptions = {}): {
  kind: 'memory';
  documents: DocumentStore;
  accounts: AccountStore;
  close(): Promise<void>;
} {
  const documents = createMemoryDocumentStore();
  const accounts = createMemoryAccountStore(options);
  return {
    kind: 'memory',
    documents,
    accounts,
    async close() {
      await Promise.all([documents.close(), accounts.close()]);
    },
  };
}
