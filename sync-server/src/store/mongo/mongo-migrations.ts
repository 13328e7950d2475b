import type { Db, IndexDescription } from 'mongodb';
import {
  migrateDown,
  migrateUp,
  migrationStatus,
  type Migratable,
  type Migration,
  type MigrationLedger,
} from '../migrations/migrator.js';
import { COLLECTION_NAMES, type MigrationRow } from './mongo-rows.js';

type Indexes = Record<string, (IndexDescription & { name: string })[]>;

/** A migration that creates named indexes, and drops exactly those on the way down. */
function indexMigration(id: string, description: string, indexes: Indexes): Migration<Db> {
  return {
    id,
    description,
    async up(db) {
      for (const [collection, specs] of Object.entries(indexes)) await createIndexes(db, collection, specs);
    },
    async down(db) {
      for (const [collection, specs] of Object.entries(indexes)) {
        for (const spec of specs) await db.collection(collection).dropIndex(spec.name).catch(ignoreMissing);
      }
    },
  };
}

/**
 * Several instances starting together build the same indexes: a build already running elsewhere
 * (IndexBuildAlreadyInProgress) is waited for and retried; the finished index then exists.
 */
async function createIndexes(db: Db, collection: string, specs: IndexDescription[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.collection(collection).createIndexes(specs);
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 276 || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function ignoreMissing(error: unknown): void {
  const code = (error as { code?: number }).code;
  // IndexNotFound / NamespaceNotFound: already gone, which is what `down` wants.
  if (code !== 27 && code !== 26) throw error;
}

/** MongoDB DocumentStore migrations, recorded as store `documents` in the `migrations` collection. */
export const MONGO_DOCUMENT_MIGRATIONS: readonly Migration<Db>[] = [
  indexMigration('001_add_indexes', 'sequence, owner and query indexes of tasks and lists; counters by owner', {
    tasks: [
      // Rule R2: one document per (scope, seq); pulls read `seq > checkpoint` in order on it.
      { key: { scope: 1, seq: 1 }, name: 'scope_seq', unique: true },
      { key: { owner: 1, 'doc.status': 1 }, name: 'owner_status' },
      { key: { owner: 1, 'doc.priority': 1 }, name: 'owner_priority' },
      { key: { owner: 1, 'doc.createdAt': -1 }, name: 'owner_createdAt' },
      { key: { owner: 1, deleted: 1 }, name: 'owner_deleted' },
    ],
    lists: [
      { key: { scope: 1, seq: 1 }, name: 'scope_seq', unique: true },
      { key: { owner: 1, deleted: 1 }, name: 'owner_deleted' },
    ],
    [COLLECTION_NAMES.counters]: [{ key: { owner: 1 }, name: 'owner' }],
  }),
];

/** MongoDB AccountStore migrations, recorded as store `accounts`. */
export const MONGO_ACCOUNT_MIGRATIONS: readonly Migration<Db>[] = [
  indexMigration('001_add_indexes', 'unique emails, refresh tokens by family/user with a TTL, sessions, audit', {
    [COLLECTION_NAMES.users]: [{ key: { email: 1 }, name: 'email', unique: true }],
    // Tokens are keyed by their hash (`_id`, unique by definition). Expired tokens are kept a week
    // (so reuse of a just-expired token is still recognized), then removed by the TTL monitor.
    [COLLECTION_NAMES.refreshTokens]: [
      { key: { familyId: 1 }, name: 'familyId' },
      { key: { userId: 1 }, name: 'userId' },
      { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 7 * 24 * 3600 },
    ],
    [COLLECTION_NAMES.sessions]: [{ key: { userId: 1, createdAt: -1 }, name: 'userId_createdAt' }],
    [COLLECTION_NAMES.audit]: [{ key: { targetUserId: 1, _id: -1 }, name: 'target' }],
  }),
];

function mongoLedger(db: Db, store: string): MigrationLedger {
  const ledger = db.collection<MigrationRow>(COLLECTION_NAMES.migrations);
  return {
    async applied() {
      const rows = await ledger.find({ store }).sort({ id: 1 }).toArray();
      return rows.map((row) => ({ id: row.id, appliedAt: row.appliedAt }));
    },
    async record(id, appliedAt) {
      // Upsert: instances starting together may apply the same (idempotent) migration at once.
      await ledger.updateOne({ _id: `${store}:${id}` }, { $setOnInsert: { store, id, appliedAt } }, { upsert: true });
    },
    async forget(id) {
      await ledger.deleteOne({ _id: `${store}:${id}` });
    },
  };
}

export function mongoMigratable(db: Db, store: string, migrations: readonly Migration<Db>[]): Migratable {
  const ledger = mongoLedger(db, store);
  return {
    migrateUp: () => migrateUp(migrations, ledger, db),
    migrateDown: (steps) => migrateDown(migrations, ledger, db, { steps }),
    migrationStatus: () => migrationStatus(migrations, ledger),
  };
}
