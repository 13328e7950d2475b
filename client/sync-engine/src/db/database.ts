import {
  listSchema,
  migrationStrategies,
  taskSchema,
  type CollectionName,
  type Task,
  type TaskList,
} from '@taskmaster/shared-schema';
import {
  addRxPlugin,
  createRxDatabase,
  getPreviousVersions,
  getPrimaryKeyOfInternalDocument,
  INTERNAL_CONTEXT_COLLECTION,
  type HashFunction,
  type RxCollection,
  type RxDatabase,
  type RxJsonSchema,
  type RxStorage,
} from 'rxdb/plugins/core';

export type TaskCollection = RxCollection<Task>;
export type ListCollection = RxCollection<TaskList>;
export interface TaskmasterCollections {
  tasks: TaskCollection;
  lists: ListCollection;
}
export type TaskmasterDatabase = RxDatabase<TaskmasterCollections>;

export interface DatabaseOptions {
  /** One database per signed-in user and device, e.g. `taskmaster-<userId>`. */
  name: string;
  /** storage-dexie in the browser, storage-memory in Node tests. */
  storage: RxStorage<unknown, unknown>;
  /**
   * True in browsers, so tabs share changes. Electing the one tab that replicates needs
   * `RxDBLeaderElectionPlugin`, which `addLeaderElection()` adds when sync starts (it is not needed
   * to show the tasks, so it stays off the critical path).
   */
  multiInstance?: boolean;
  /**
   * The database keeps local documents (the device clock's node id, the pending-change state), whose
   * plugin is only needed to write. The browser app opens the database without waiting for it, shows
   * the tasks, then calls `enableLocalDocuments(db)` before the first write; everywhere else the
   * plugin is added before the database is created.
   */
  deferLocalDocuments?: boolean;
  /**
   * RxDB's hash function (default: WebCrypto SHA-256). The deterministic simulation passes a
   * synchronous one, because WebCrypto completes on a thread pool, outside the seeded schedule.
   */
  hashFunction?: HashFunction;
  /**
   * Older schema literals to open the collections with, as an older build of the app would (tests of
   * the version window keep frozen copies). Default: the current schemas from shared-schema.
   */
  schemas?: { tasks?: RxJsonSchema<Task>; lists?: RxJsonSchema<TaskList> };
}

/**
 * Opens the local database with the shared collection schemas. The schema literals are the same
 * ones the server validates against, so a document accepted here is accepted there.
 */
export async function createTaskmasterDatabase(options: DatabaseOptions): Promise<TaskmasterDatabase> {
  if (!options.deferLocalDocuments) await enableLocalDocuments();
  const db = await createRxDatabase<TaskmasterCollections>({
    name: options.name,
    storage: options.storage,
    multiInstance: options.multiInstance ?? false,
    eventReduce: true,
    localDocuments: true,
    closeDuplicates: true,
    ...(options.hashFunction ? { hashFunction: options.hashFunction } : {}),
  });
  const tasks = options.schemas?.tasks ?? (taskSchema as unknown as RxJsonSchema<Task>);
  const lists = options.schemas?.lists ?? (listSchema as unknown as RxJsonSchema<TaskList>);
  await db.addCollections({
    // RxDB's automatic migration needs its plugin loaded even when nothing is to migrate; it is
    // loaded below only when this device holds documents of an older version.
    tasks: { schema: tasks, migrationStrategies: strategiesUpTo('tasks', tasks.version), autoMigrate: false },
    lists: { schema: lists, migrationStrategies: strategiesUpTo('lists', lists.version), autoMigrate: false },
  });
  await migrateOlderVersions(db);
  return db;
}

function strategiesUpTo(collection: CollectionName, version: number) {
  return Object.fromEntries(
    Object.entries(migrationStrategies(collection)).filter(([to]) => Number(to) <= version),
  ) as Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>;
}

/**
 * Runs the schema migration (shared-schema's upgrade steps as RxDB migration strategies) for every
 * collection this device still holds under an older schema version: the first start of a newer app.
 * The migration plugin loads only then, so a normal start pays one small read of RxDB's internal
 * store. RxDB migrates the replication state with the documents, keeping checkpoints, so changes
 * not yet pushed are still pushed afterwards (SPEC, "Versions").
 */
async function migrateOlderVersions(db: TaskmasterDatabase): Promise<void> {
  const outdated: RxCollection[] = [];
  for (const collection of [db.tasks, db.lists] as RxCollection[]) {
    const versions = getPreviousVersions(collection.schema.jsonSchema);
    if (versions.length === 0) continue;
    const keys = versions.map((version) =>
      getPrimaryKeyOfInternalDocument(`${collection.name}-${version}`, INTERNAL_CONTEXT_COLLECTION),
    );
    const found = await db.internalStore.findDocumentsById(keys, false);
    if (found.length > 0) outdated.push(collection);
  }
  if (outdated.length === 0) return;
  const { RxDBMigrationSchemaPlugin } = await import('rxdb/plugins/migration-schema');
  addRxPlugin(RxDBMigrationSchemaPlugin);
  for (const collection of outdated) await collection.migratePromise();
}

/**
 * Adds RxDB's local-documents plugin (`db.getLocal`, `db.upsertLocal`, …) and, for a database that
 * was created before the plugin was added (`deferLocalDocuments`), opens its local-documents store:
 * what the plugin's `createRxDatabase` hook would have done.
 */
export async function enableLocalDocuments(db?: TaskmasterDatabase): Promise<void> {
  const plugin = await import('rxdb/plugins/local-documents');
  addRxPlugin(plugin.RxDBLocalDocumentsPlugin);
  // The plugin types its parent as an untyped RxDatabase; ours has typed collections.
  const parent = db as unknown as Parameters<typeof plugin.createLocalDocStateByParent>[0] | undefined;
  if (parent && !plugin.LOCAL_DOC_STATE_BY_PARENT.has(parent)) void plugin.createLocalDocStateByParent(parent);
}

/**
 * Adds RxDB's leader election (`db.waitForLeadership()`), which `startSync({ waitForLeadership })`
 * needs in browser tabs. Loaded on demand with the sync code; adding a plugin twice is a no-op.
 */
export async function addLeaderElection(): Promise<void> {
  const { RxDBLeaderElectionPlugin } = await import('rxdb/plugins/leader-election');
  addRxPlugin(RxDBLeaderElectionPlugin);
}
