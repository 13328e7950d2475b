import type { HybridLogicalClock, Task } from '@taskmaster/shared-schema';
import {
  createList,
  createTask,
  deleteList,
  deleteTask,
  dismissConflicts,
  restoreTask,
  updateList,
  updateTask,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client/db';

import type { ListFields, TaskFields, TaskPatch } from './task-patch';

export { completionPatch, type ListFields, type TaskFields, type TaskPatch } from './task-patch';

/**
 * Everything the UI may change. Each call goes through the db helpers, which stamp a fresh hybrid
 * logical clock on exactly the fields that changed, so per-field merging (rule R4) sees one edit
 * per field and concurrent edits to other fields survive.
 */
export interface TaskActions {
  addTask(fields: Partial<TaskFields> & { title: string }): Promise<string>;
  updateTask(id: string, patch: TaskPatch): Promise<void>;
  deleteTask(id: string): Promise<void>;
  /** Undo of a delete: needs the deleted task as it was. */
  restoreTask(task: Task): Promise<void>;
  addList(fields: Partial<ListFields> & { name: string }): Promise<string>;
  updateList(id: string, patch: Partial<ListFields>): Promise<void>;
  deleteList(id: string): Promise<void>;
  dismissConflicts(collection: 'tasks' | 'lists', id: string): Promise<void>;
}

export function createTaskActions(db: TaskmasterDatabase, clock: HybridLogicalClock): TaskActions {
  return {
    addTask: async (fields) => (await createTask(db, clock, fields)).id,
    updateTask: async (id, patch) => {
      await updateTask(db, clock, id, patch);
    },
    deleteTask: async (id) => {
      await deleteTask(db, clock, id);
    },
    restoreTask: async (task) => {
      await restoreTask(db, clock, task);
    },
    addList: async (fields) => (await createList(db, clock, fields)).id,
    updateList: async (id, patch) => {
      await updateList(db, clock, id, patch);
    },
    deleteList: async (id) => {
      await deleteList(db, clock, id);
    },
    dismissConflicts: async (collection, id) => {
      await dismissConflicts(db, collection, id);
    },
  };
}
