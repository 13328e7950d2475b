import { listSchema, taskSchema, type Task, type TaskList } from '@taskmaster/shared-schema';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema, type RxStorage } from 'rxdb';

import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';

addRxPlugin(RxDBLocalDocumentsPlugin);
addRxPlugin(RxDBLeaderElectionPlugin);

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
  /** True in browsers, so tabs share changes and elect one replication leader. */
  multiInstance?: boolean;
}

/**
 * Opens the local database with the shared collection schemas. The schema literals are the same
 * ones the server validates against, so a document accepted here is accepted there.
 */
export async function createTaskmasterDatabase(options: DatabaseOptions): Promise<TaskmasterDatabase> {
  const db = await createRxDatabase<TaskmasterCollections>({
    name: options.name,
    storage: options.storage,
    multiInstance: options.multiInstance ?? false,
    eventReduce: true,
    localDocuments: true,
    closeDuplicates: true,
  });
  await db.addCollections({
    tasks: { schema: taskSchema as unknown as RxJsonSchema<Task>, localDocuments: true },
    lists: { schema: listSchema as unknown as RxJsonSchema<TaskList>, localDocuments: true },
  });
  return db;
}
