import {
  FIELD_LIMITS,
  TASK_ENTRY_FIELDS,
  type HybridLogicalClock,
  type Subtask,
  type SubtaskPart,
  type Task,
} from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import { newId } from './mutations.js';
import { markPending } from './pending.js';

/**
 * The checklist of a task. Each subtask is an entry of `task.subtasks`, and each of its parts
 * (title, done, order, removed) has its own clock `subtasks.<id>.<part>`: a write stamps only the
 * parts it changes, so edits to different subtasks, or different parts of one, made on two devices
 * at once both survive the server's merge (R4). Removal is a part too (a tombstone), never a delete.
 */

export class SubtaskLimitError extends Error {
  readonly reason = 'subtask-limit';
  constructor() {
    super(`a task holds at most ${FIELD_LIMITS.subtaskCount} subtasks`);
  }
}

/** Open and done subtasks, in order, without the removed ones. */
export function visibleSubtasks(task: Pick<Task, 'subtasks'>): (Subtask & { id: string })[] {
  return Object.entries(task.subtasks ?? {})
    .filter(([, s]) => !s.removed)
    .map(([id, s]) => ({ id, ...s }))
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** "2/5": done and total of the visible subtasks. */
export function subtaskProgress(task: Pick<Task, 'subtasks'>): { done: number; total: number } {
  const visible = visibleSubtasks(task);
  return { done: visible.filter((s) => s.done).length, total: visible.length };
}

async function writeSubtask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  taskId: string,
  subId: string,
  change: (current: Subtask | undefined, task: Task) => Partial<Subtask> | null,
): Promise<void> {
  const doc = await db.tasks.findOne(taskId).exec();
  if (!doc) throw new Error(`task ${taskId} not found`);
  let written = 0;
  await doc.incrementalModify((data) => {
    const current = data.subtasks?.[subId];
    const patch = change(current, data as Task);
    if (!patch) return data;
    const next: Subtask = { title: '', done: false, order: 0, removed: false, ...current, ...patch };
    // A new entry stamps every part (so it is whole wherever it arrives); an edit only what changed.
    const parts = TASK_ENTRY_FIELDS.subtasks.filter((part: SubtaskPart) => !current || current[part] !== next[part]);
    if (parts.length === 0) return data;
    const at = clock.now();
    written = Date.now();
    const clocks = { ...data.clocks } as Record<string, string>;
    for (const part of parts) clocks[`subtasks.${subId}.${part}`] = at;
    return { ...data, subtasks: { ...data.subtasks, [subId]: next }, updatedAt: written, clocks };
  });
  if (written) markPending(db, 'tasks', taskId, written);
}

/** Adds a subtask at the end of the checklist; returns its id. */
export async function addSubtask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  taskId: string,
  title: string,
): Promise<string> {
  const id = newId().slice(0, FIELD_LIMITS.subtaskIdLength);
  const trimmed = title.trim().slice(0, FIELD_LIMITS.titleLength);
  if (trimmed === '') throw new Error('a subtask needs a title');
  await writeSubtask(db, clock, taskId, id, (_current, task) => {
    const entries = Object.values(task.subtasks ?? {});
    if (entries.length >= FIELD_LIMITS.subtaskCount) throw new SubtaskLimitError();
    const last = entries.filter((s) => !s.removed).reduce((max, s) => Math.max(max, s.order), 0);
    return { title: trimmed, done: false, order: last + 1, removed: false };
  });
  return id;
}

/** Changes the title, done state or order of one subtask (only the parts that differ are stamped). */
export async function updateSubtask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  taskId: string,
  subId: string,
  patch: Partial<Pick<Subtask, 'title' | 'done' | 'order'>>,
): Promise<void> {
  if (patch.title !== undefined && patch.title.trim() === '') throw new Error('a subtask needs a title');
  const effective = patch.title !== undefined ? { ...patch, title: patch.title.trim() } : patch;
  await writeSubtask(db, clock, taskId, subId, (current) => (current ? effective : null));
}

/** Removes a subtask from the checklist (a per-entry tombstone). */
export async function removeSubtask(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  taskId: string,
  subId: string,
): Promise<void> {
  await writeSubtask(db, clock, taskId, subId, (current) => (current ? { removed: true } : null));
}
