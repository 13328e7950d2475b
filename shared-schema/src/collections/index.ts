import { LIST_MERGE_FIELDS, listSchema, type TaskList } from './lists.js';
import { TASK_MERGE_FIELDS, taskSchema, type Task } from './tasks.js';

export * from './export-format.js';
export * from './limits.js';
export * from './lists.js';
export * from './tasks.js';
export * from './versioning.js';

/** Every replicated collection, by name: its schema and the fields that merge independently. */
export const COLLECTIONS = {
  tasks: { schema: taskSchema, mergeFields: TASK_MERGE_FIELDS },
  lists: { schema: listSchema, mergeFields: LIST_MERGE_FIELDS },
} as const;

export type CollectionName = keyof typeof COLLECTIONS;
export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

export interface CollectionDocs {
  tasks: Task;
  lists: TaskList;
}

/** A replicated document as it travels on the wire: the RxDB document plus its tombstone flag. */
export type SyncDoc<C extends CollectionName = CollectionName> = CollectionDocs[C] & { _deleted: boolean };

export function isCollectionName(value: unknown): value is CollectionName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COLLECTIONS, value);
}
