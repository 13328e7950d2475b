export type { DocumentStore, MergeFn, PushOptions, PushOutcome, StoredDoc } from './document-store.js';
export type {
  AccountStore,
  AuditDetails,
  AuditEntry,
  ListAuditQuery,
  ListUsersQuery,
  NewRefreshToken,
  Page,
  RefreshTokenRecord,
  RotateOutcome,
  SessionRecord,
  UserRecord,
} from './account-store.js';
export { MAX_PAGE_SIZE } from './account-store.js';
export { createMemoryAccountStore, type MemoryAccountStoreOptions } from './memory/memory-account-store.js';
export { createMemoryDocumentStore } from './memory/memory-document-store.js';
export { createMemoryStores } from './memory/memory-stores.js';
export { createSqliteAccountStore, type SqliteAccountStore } from './sqlite/sqlite-account-store.js';
export { createSqliteDocumentStore, type SqliteDocumentStore } from './sqlite/sqlite-document-store.js';
export { eraseUserEverywhere } from './erase-user.js';
