import { listSchema, taskSchema, type Task, type TaskList } from '@taskmaster/shared-schema';
import {
  addRxPlugin,
  createRxDatabase,
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
  hashFunction?: (input: string) => Promise<string>;
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
  await db.addCollections({
    tasks: { schema: taskSchema as unknown as RxJsonSchema<Task> },
    lists: { schema: listSchema as unknown as RxJsonSchema<TaskList> },
  });
  return db;
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
