import type { ConflictRecord, HybridLogicalClock, Subtask, Task } from '@taskmaster/shared-schema';
import { restoreConflict } from './conflict-writes.js';
import type { TaskmasterDatabase } from './database.js';
import { deleteListToInbox, undoDeleteList, type DeletedList } from './list-writes.js';
import {
  createList,
  createTask,
  deleteList,
  deleteTask,
  dismissConflicts,
  restoreTask,
  updateList,
  updateTask,
  type TaskPatch,
} from './mutations.js';
import type { ListFields, TaskFields } from './patches.js';
import { flushPending } from './pending.js';
import { skipOccurrence } from './repeat-writes.js';
import { addSubtask, removeSubtask, updateSubtask } from './subtask-writes.js';

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
  /** Puts a logged losing value back, logging the value it replaces so that can come back too (R4). */
  restoreConflict(id: string, conflict: ConflictRecord, patch: TaskPatch): Promise<void>;
  /** Deletes a list, moving its tasks to the Inbox; the result undoes it. */
  deleteListToInbox(id: string): Promise<DeletedList>;
  undoDeleteList(deleted: DeletedList): Promise<void>;
  /** The checklist: each subtask part is stamped on its own (R4). */
  addSubtask(taskId: string, title: string): Promise<string>;
  updateSubtask(
    taskId: string,
    subId: string,
    patch: Partial<Pick<Subtask, 'title' | 'done' | 'order'>>,
  ): Promise<void>;
  removeSubtask(taskId: string, subId: string): Promise<void>;
  /** "Skip this occurrence" of a repeating task. */
  skipOccurrence(id: string): Promise<void>;
}

/**
 * Every action resolves only once its write is committed to IndexedDB, and so is its entry in the
 * pending-change count: the db helpers coalesce those entries for 50 ms, and a reload inside that
 * window used to keep the task but drop its entry, so an offline device counted one change too few
 * as "not synced". The UI shows a change as saved (the quick-add box clears, the editor says
 * "Saved") only when the action resolved.
 */
export function createTaskActions(db: TaskmasterDatabase, clock: HybridLogicalClock): TaskActions {
  const durably = async <T>(write: Promise<T>): Promise<T> => {
    const result = await write;
    await flushPending(db);
    return result;
  };
  return {
    addTask: async (fields) => (await durably(createTask(db, clock, fields))).id,
    updateTask: (id, patch) => durably(updateTask(db, clock, id, patch)),
    deleteTask: (id) => durably(deleteTask(db, clock, id)),
    restoreTask: (task) => durably(restoreTask(db, clock, task)),
    addList: async (fields) => (await durably(createList(db, clock, fields))).id,
    updateList: (id, patch) => durably(updateList(db, clock, id, patch)),
    deleteList: (id) => durably(deleteList(db, clock, id)),
    dismissConflicts: (collection, id) => durably(dismissConflicts(db, collection, id)),
    restoreConflict: (id, conflict, patch) => durably(restoreConflict(db, clock, id, conflict, patch)),
    deleteListToInbox: (id) => durably(deleteListToInbox(db, clock, id)),
    undoDeleteList: (deleted) => durably(undoDeleteList(db, clock, deleted)),
    addSubtask: (taskId, title) => durably(addSubtask(db, clock, taskId, title)),
    updateSubtask: (taskId, subId, patch) => durably(updateSubtask(db, clock, taskId, subId, patch)),
    removeSubtask: (taskId, subId) => durably(removeSubtask(db, clock, taskId, subId)),
    skipOccurrence: async (id) => {
      await durably(skipOccurrence(db, clock, id));
    },
  };
}
