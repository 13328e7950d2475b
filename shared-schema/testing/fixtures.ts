import { TASK_MERGE_FIELDS } from '../src/collections/tasks.js';
import type { Task } from '../src/index.js';

/** A realistic task document with every field stamped with `stamp` (benches and tests). */
export function benchTask(id: string, stamp: string, i: number): Task {
  const now = Date.now();
  return {
    id,
    title: `Task ${i} with a realistic title`,
    notes: 'Some notes about the task, a sentence or two long.',
    status: 'todo',
    priority: 'medium',
    dueDate: '2026-12-24',
    tags: ['work', 'bench'],
    listId: '',
    order: i,
    completedAt: 0,
    // Every field of the current schema, as `createTask` writes them: a document missing the newer
    // ones is upgraded on every pull, which no real device's document is.
    dueTime: '',
    startDate: '',
    repeat: '',
    subtasks: {},
    reminder: '',
    reminderFiredAt: 0,
    createdAt: now,
    updatedAt: now,
    clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, stamp])),
    conflicts: [],
  };
}
