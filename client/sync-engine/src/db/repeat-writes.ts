import { TASK_MERGE_FIELDS, type HybridLogicalClock, type Subtask, type Task } from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import { markPending } from './pending.js';

/**
 * Repeating tasks. A repeating task is the current occurrence: its due date is the occurrence's day.
 *
 * Completing it marks it done (it stays as the record of that occurrence, no longer repeating) and
 * creates the next occurrence as a new task whose id AND initial state are pure functions of the
 * completed one: id = occurrenceId(task id, next date); every field's clock = the newest clock the
 * completed task carried. Two devices that complete the same occurrence offline therefore create
 * byte-identical next tasks, which the server's per-field merge (R4) folds into one. And because
 * those clocks are older than any edit made after seeing the task, a later real edit of the next
 * occurrence (say, completing it too) always wins over a late duplicate of its creation.
 */

export interface RepeatOptions {
  /** The user's IANA zone, to move an absolute "remind me at" with the due date. Default: the runtime's. */
  timeZone?: string;
}

export interface CompletedOccurrence {
  /** The next occurrence's task id, or null when the task did not repeat or its rule has ended. */
  nextId: string | null;
  nextDueDate: string | null;
}

const zoneOf = (options: RepeatOptions) =>
  options.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');

function plain(stored: object): Task {
  const data: Record<string, unknown> = { ...stored };
  for (const key of ['_meta', '_rev', '_attachments', '_deleted']) delete data[key];
  return data as unknown as Task;
}

/** The next occurrence of `task` (null when it does not repeat, has no due date, or the rule ended). */
async function nextOf(task: Task) {
  if (!task.repeat || task.dueDate === '') return null;
  const recurrence = await import('./recurrence.js');
  const next = recurrence.nextOccurrence(task.repeat, { date: task.dueDate, time: task.dueTime ?? '' });
  return next ? { next, recurrence } : null;
}

type Recurrence = typeof import('./recurrence.js');

/** Fields that move with the due date: the start date keeps its distance, "remind me at" its wall-clock offset. */
function shifted(task: Task, nextDate: string, recurrence: Recurrence, timeZone: string): Partial<Task> {
  const days = recurrence.daysBetween(task.dueDate, nextDate);
  const out: Partial<Task> = {};
  if (task.startDate) out.startDate = recurrence.addDays(task.startDate, days);
  const at = /^at:(\d+)$/.exec(task.reminder ?? '')?.[1];
  if (at) {
    const wall = recurrence.wallClockOf(Number(at), timeZone);
    out.reminder = `at:${recurrence.occurrenceInstant(recurrence.addDays(wall.date, days), wall.time, timeZone)}`;
  }
  return out;
}

/**
 * Completes the current occurrence of a repeating task and creates the next one (see above). A task
 * that does not repeat is simply marked done. Idempotent: completing the same occurrence again, here
 * or on another device, creates nothing new.
 */
export async function completeOccurrence(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  id: string,
  options: RepeatOptions = {},
): Promise<CompletedOccurrence> {
  const doc = await db.tasks.findOne(id).exec();
  if (!doc) throw new Error(`task ${id} not found`);
  const task = doc.toMutableJSON() as Task;
  const found = await nextOf(task);
  const now = Date.now();
  let nextId: string | null = null;
  if (found) {
    const { next, recurrence } = found;
    nextId = recurrence.occurrenceId(task.id, next.date);
    const [existing] = await db.tasks.storageInstance.findDocumentsById([nextId], true);
    if (!existing) {
      // Not the device's clock: the newest stamp the completed occurrence carries, the same on
      // every device that completes it from the same state.
      const base = Object.values(task.clocks).reduce<string>((max, c) => (c && c > max ? c : max), '');
      const subtasks: Record<string, Subtask> = {};
      for (const [sid, sub] of Object.entries(task.subtasks ?? {})) {
        if (!sub.removed) subtasks[sid] = { ...sub, done: false };
      }
      const clocks: Record<string, string> = {};
      for (const field of [...TASK_MERGE_FIELDS, 'deleted']) clocks[field] = base;
      for (const sid of Object.keys(subtasks))
        for (const part of ['title', 'done', 'order', 'removed']) clocks[`subtasks.${sid}.${part}`] = base;
      const nextTask: Task = {
        ...task,
        ...shifted(task, next.date, recurrence, zoneOf(options)),
        id: nextId,
        status: 'todo',
        completedAt: 0,
        dueDate: next.date,
        dueTime: next.time,
        subtasks,
        reminderFiredAt: 0,
        createdAt: now,
        updatedAt: now,
        clocks,
        conflicts: [],
      };
      await db.tasks.insert(nextTask);
      markPending(db, 'tasks', nextId, now);
    }
  }
  // The completed occurrence is kept as the record of that day, and no longer repeats.
  let written = 0;
  await doc.incrementalModify((data) => {
    const changes: Partial<Task> = {};
    if (data.status !== 'done') Object.assign(changes, { status: 'done', completedAt: now });
    if (found && data.repeat) changes.repeat = '';
    const fields = Object.keys(changes);
    if (fields.length === 0) return data;
    const at = clock.now();
    written = now;
    return {
      ...data,
      ...changes,
      updatedAt: now,
      clocks: { ...data.clocks, ...Object.fromEntries(fields.map((f) => [f, at])) },
    };
  });
  if (written) markPending(db, 'tasks', id, written);
  return { nextId, nextDueDate: found?.next.date ?? null };
}

/** "Skip this occurrence": the task moves to its next occurrence without being completed. */
export async function skipOccurrence(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  id: string,
  options: RepeatOptions = {},
): Promise<string | null> {
  const doc = await db.tasks.findOne(id).exec();
  if (!doc) throw new Error(`task ${id} not found`);
  const found = await nextOf(doc.toMutableJSON() as Task);
  if (!found) return null;
  const { next, recurrence } = found;
  const now = Date.now();
  await doc.incrementalModify((data) => {
    const task = plain(data);
    const changes: Partial<Task> = {
      ...shifted(task, next.date, recurrence, zoneOf(options)),
      dueDate: next.date,
      dueTime: next.time,
    };
    const at = clock.now();
    return {
      ...data,
      ...changes,
      updatedAt: now,
      clocks: { ...data.clocks, ...Object.fromEntries(Object.keys(changes).map((f) => [f, at])) },
    };
  });
  markPending(db, 'tasks', id, now);
  return next.date;
}
