import type { Task, TaskList } from '@taskmaster/shared-schema';
import type { TaskPatch } from './mutations.js';

/** The fields a new task may be given (`createTask`'s input besides the title and id). */
export type TaskFields = Pick<
  Task,
  'title' | 'notes' | 'status' | 'priority' | 'dueDate' | 'tags' | 'listId' | 'order' | 'completedAt'
> &
  Partial<Pick<Task, 'dueTime' | 'startDate' | 'repeat' | 'reminder' | 'reminderFiredAt'>>;
/** The fields a new list may be given. */
export type ListFields = Pick<TaskList, 'name' | 'color' | 'order' | 'archived'> & Partial<Pick<TaskList, 'icon'>>;

/** Patch that marks a task done or open again, keeping `completedAt` consistent with `status`. */
export function completionPatch(done: boolean, now: number = Date.now()): TaskPatch {
  return done ? { status: 'done', completedAt: now } : { status: 'todo', completedAt: 0 };
}
