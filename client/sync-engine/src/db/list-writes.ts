import type { HybridLogicalClock, Task, TaskList } from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import { markPending } from './pending.js';

/** What `deleteListToInbox` did, so `undoDeleteList` can put it back. */
export interface DeletedList {
  listId: string;
  /** Tasks moved to the Inbox, with the `listId` clock each got (to tell whether it was edited since). */
  moved: { id: string; clock: string }[];
}

function plain<D>(stored: D & { _meta?: unknown; _rev?: unknown; _attachments?: unknown; _deleted?: unknown }): D {
  const data: Record<string, unknown> = { ...stored };
  for (const key of ['_meta', '_rev', '_attachments', '_deleted']) delete data[key];
  return data as D;
}

/**
 * Deletes a list and moves its tasks to the Inbox. The task moves are one bulk write (one IndexedDB
 * transaction: all move or none do), written before the list's tombstone, so a failure can never
 * leave tasks pointing at a deleted list. Each move stamps only `listId`, so concurrent edits of
 * other fields on other devices survive (R4).
 */
export async function deleteListToInbox(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  listId: string,
): Promise<DeletedList> {
  const docs = await db.tasks.find({ selector: { listId } }).exec();
  const at = Date.now();
  const moved: DeletedList['moved'] = [];
  const rows = docs.map((doc) => {
    const data = doc.toMutableJSON() as Task;
    const stamp = clock.now();
    moved.push({ id: data.id, clock: stamp });
    return { ...data, listId: '', updatedAt: at, clocks: { ...data.clocks, listId: stamp } };
  });
  if (rows.length > 0) {
    const result = await db.tasks.bulkUpsert(rows);
    if (result.error.length > 0) throw new Error(`could not move ${result.error.length} tasks to the Inbox`);
    for (const row of rows) markPending(db, 'tasks', row.id, at);
  }
  const list = await db.lists.findOne(listId).exec();
  if (list) {
    const deletedAt = Date.now();
    await list.incrementalModify((data) => ({
      ...data,
      updatedAt: deletedAt,
      clocks: { ...data.clocks, deleted: clock.now() },
      _deleted: true,
    }));
    markPending(db, 'lists', listId, deletedAt);
  }
  return { listId, moved };
}

/**
 * Undo of `deleteListToInbox`: lifts the list's tombstone with a newer clock and moves back the tasks
 * whose list nobody changed since (a task moved elsewhere in the meantime stays where it is).
 */
export async function undoDeleteList(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  deleted: DeletedList,
): Promise<void> {
  const [stored] = await db.lists.storageInstance.findDocumentsById([deleted.listId], true);
  if (stored?._deleted) {
    const base = plain<TaskList>(stored as TaskList & { _deleted?: boolean });
    const at = Date.now();
    await db.lists.upsert({ ...base, updatedAt: at, clocks: { ...base.clocks, deleted: clock.now() } });
    markPending(db, 'lists', deleted.listId, at);
  }
  const ids = deleted.moved.map((m) => m.id);
  const docs = await db.tasks.findByIds(ids).exec();
  const at = Date.now();
  const rows: Task[] = [];
  for (const { id, clock: movedWith } of deleted.moved) {
    const data = docs.get(id)?.toMutableJSON() as Task | undefined;
    if (!data || data.clocks.listId !== movedWith) continue;
    rows.push({ ...data, listId: deleted.listId, updatedAt: at, clocks: { ...data.clocks, listId: clock.now() } });
  }
  if (rows.length === 0) return;
  const result = await db.tasks.bulkUpsert(rows);
  if (result.error.length > 0) throw new Error(`could not move ${result.error.length} tasks back`);
  for (const row of rows) markPending(db, 'tasks', row.id, at);
}
