import {
  TASK_MERGE_FIELDS,
  LIST_MERGE_FIELDS,
  type HybridLogicalClock,
  type Task,
  type TaskList,
  type ConflictRecord,
} from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import { markPending } from './pending.js';
import { completeOccurrence } from './repeat-writes.js';

type TaskField = (typeof TASK_MERGE_FIELDS)[number];
type ListField = (typeof LIST_MERGE_FIELDS)[number];
export type TaskPatch = Partial<Pick<Task, TaskField>>;
export type ListPatch = Partial<Pick<TaskList, ListField>>;
export type NewTask = Pick<Task, 'title'> & TaskPatch & { id?: string };
export type NewList = Pick<TaskList, 'name'> & ListPatch & { id?: string };

/** A random, URL-safe document id. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 20);
}

function stamp(clock: HybridLogicalClock, fields: readonly string[]): Record<string, string> {
  const at = clock.now();
  return Object.fromEntries(fields.map((field) => [field, at]));
}

/**
 * Stamps `fields` after every stamp the document already carries, so an edit always sorts after the
 * state it was made on (rule R4), also on a clock that is behind (by years, before any correction,
 * R8) and has seen nothing since a restart.
 */
function stampOver(
  clock: HybridLogicalClock,
  current: Partial<Record<string, string>>,
  fields: readonly string[],
): Record<string, string> {
  for (const existing of Object.values(current)) clock.receive(existing, Infinity);
  return stamp(clock, fields);
}

function changedFields<T extends object>(current: T, patch: Partial<T>): string[] {
  return Object.entries(patch)
    .filter(([key, value]) => value !== undefined && JSON.stringify(current[key as keyof T]) !== JSON.stringify(value))
    .map(([key]) => key);
}

/** The part of an RxDB document the write helpers use. */
interface Modifiable<D> {
  incrementalModify(mutate: (data: D) => D): Promise<unknown>;
}

/**
 * Applies the fields `patch` returns, stamping only those that really change. Returns the write's
 * `updatedAt`, or 0 when nothing changed (and nothing was written).
 */
async function writeFields<D extends Task | TaskList>(
  doc: Modifiable<D>,
  clock: HybridLogicalClock,
  patch: (data: D) => Partial<D>,
): Promise<number> {
  let written = 0;
  await doc.incrementalModify((data) => {
    const effective = patch(data);
    const fields = changedFields(data, effective);
    if (fields.length === 0) return data;
    written = Date.now();
    return {
      ...data,
      ...effective,
      updatedAt: written,
      clocks: { ...data.clocks, ...stampOver(clock, data.clocks, fields) },
    };
  });
  return written;
}

/** Turns the document into a tombstone with a fresh `deleted` clock; returns the write's time. */
async function writeTombstone<D extends Task | TaskList>(
  doc: Modifiable<D>,
  clock: HybridLogicalClock,
): Promise<number> {
  const at = Date.now();
  await doc.incrementalModify((data) => ({
    ...data,
    updatedAt: at,
    clocks: { ...data.clocks, ...stampOver(clock, data.clocks, ['deleted']) },
    _deleted: true,
  }));
  return at;
}

/**
 * All local writes go through these helpers: each stamps exactly the fields it changes with the
 * device's hybrid logical clock, which is what lets the server merge concurrent edits per field.
 */
export async function createTask(db: TaskmasterDatabase, clock: HybridLogicalClock, input: NewTask): Promise<Task> {
  const now = Date.now();
  const task: Task = {
    id: input.id ?? newId(),
    title: input.title,
    notes: input.notes ?? '',
    status: input.status ?? 'todo',
    priority: input.priority ?? 'none',
    dueDate: input.dueDate ?? '',
    tags: input.tags ?? [],
    listId: input.listId ?? '',
    order: input.order ?? now,
    completedAt: input.status === 'done' ? now : 0,
    dueTime: input.dueTime ?? '',
    startDate: input.startDate ?? '',
    repeat: input.repeat ?? '',
    subtasks: {},
    reminder: input.reminder ?? '',
    reminderFiredAt: 0,
    createdAt: now,
    updatedAt: now,
    clocks: stamp(clock, [...TASK_MERGE_FIELDS, 'deleted']),
    conflicts: [],
  };
  await db.tasks.insert(task);
  markPending(db, 'tasks', task.id, task.updatedAt);
  return task;
}

export async function updateTask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  id: string,
  patch: TaskPatch,
): Promise<void> {
  const doc = await db.tasks.findOne(id).exec();
  if (!doc) throw new Error(`task ${id} not found`);
  if (patch.status === 'done' && doc.status !== 'done' && doc.repeat && doc.dueDate) {
    // Completing a repeating task completes this occurrence and creates the next (repeat-writes).
    const { status: _status, completedAt: _completedAt, ...rest } = patch;
    if (Object.keys(rest).length > 0) await updateTask(db, clock, id, rest);
    await completeOccurrence(db, clock, id);
    return;
  }
  const written = await writeFields(doc as unknown as Modifiable<Task>, clock, (data) => {
    const effective: TaskPatch = { ...patch };
    if (patch.status !== undefined && patch.status !== data.status) {
      effective.completedAt = patch.status === 'done' ? Date.now() : 0;
    }
    return effective;
  });
  if (written) markPending(db, 'tasks', id, written);
}

export async function deleteTask(db: TaskmasterDatabase, clock: HybridLogicalClock, id: string): Promise<void> {
  const doc = await db.tasks.findOne(id).exec();
  if (!doc) return;
  markPending(db, 'tasks', id, await writeTombstone(doc as unknown as Modifiable<Task>, clock));
}

/**
 * Undo of a delete: the tombstone is lifted with a newer clock, so the restore wins everywhere. It
 * restores the stored tombstone, not the snapshot taken at delete time, so edits that arrived
 * (or were made) since then are kept; only the `deleted` clock is stamped.
 */
export async function restoreTask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  task: Pick<Task, 'id'> & Partial<Task>,
): Promise<void> {
  const [stored] = await db.tasks.storageInstance.findDocumentsById([task.id], true);
  if (stored && !stored._deleted) return; // already back (restored elsewhere)
  let base: Task;
  if (stored) {
    const data: Record<string, unknown> = { ...stored };
    for (const key of ['_meta', '_rev', '_attachments', '_deleted']) delete data[key];
    base = data as unknown as Task;
  } else if (isFullTask(task)) {
    base = task;
  } else {
    return;
  }
  const at = Date.now();
  await db.tasks.upsert({
    ...base,
    updatedAt: at,
    clocks: { ...base.clocks, ...stampOver(clock, base.clocks, ['deleted']) },
  });
  markPending(db, 'tasks', task.id, at);
}

function isFullTask(task: Partial<Task>): task is Task {
  return typeof task.title === 'string' && typeof task.clocks === 'object';
}

export async function createList(db: TaskmasterDatabase, clock: HybridLogicalClock, input: NewList): Promise<TaskList> {
  const now = Date.now();
  const list: TaskList = {
    id: input.id ?? newId(),
    name: input.name,
    color: input.color ?? '#4f6df5',
    order: input.order ?? now,
    archived: input.archived ?? false,
    icon: input.icon ?? '',
    createdAt: now,
    updatedAt: now,
    clocks: stamp(clock, [...LIST_MERGE_FIELDS, 'deleted']),
    conflicts: [],
  };
  await db.lists.insert(list);
  markPending(db, 'lists', list.id, list.updatedAt);
  return list;
}

export async function updateList(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  id: string,
  patch: ListPatch,
): Promise<void> {
  const doc = await db.lists.findOne(id).exec();
  if (!doc) throw new Error(`list ${id} not found`);
  const written = await writeFields(doc as unknown as Modifiable<TaskList>, clock, () => patch);
  if (written) markPending(db, 'lists', id, written);
}

export async function deleteList(db: TaskmasterDatabase, clock: HybridLogicalClock, id: string): Promise<void> {
  const doc = await db.lists.findOne(id).exec();
  if (!doc) return;
  markPending(db, 'lists', id, await writeTombstone(doc as unknown as Modifiable<TaskList>, clock));
}

/** Hides conflict notices on this and (after sync) every other device. */
export async function dismissConflicts(
  db: TaskmasterDatabase,
  collection: 'tasks' | 'lists',
  id: string,
  which?: (conflict: ConflictRecord) => boolean,
): Promise<void> {
  const keep = (conflicts: ConflictRecord[]) => (which ? conflicts.filter((c) => !which(c)) : []);
  const at = Date.now();
  if (collection === 'tasks') {
    const doc = await db.tasks.findOne(id).exec();
    if (!doc) return;
    await doc.incrementalModify((data) => ({
      ...data,
      updatedAt: Math.max(at, data.updatedAt),
      conflicts: keep(data.conflicts),
    }));
  } else {
    const doc = await db.lists.findOne(id).exec();
    if (!doc) return;
    await doc.incrementalModify((data) => ({
      ...data,
      updatedAt: Math.max(at, data.updatedAt),
      conflicts: keep(data.conflicts),
    }));
  }
  markPending(db, collection, id, at);
}
