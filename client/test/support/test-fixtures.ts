import type { Task } from '@taskmaster/shared-schema';

let counter = 0;

/** A schema-shaped task for tests; override any field. */
export function makeTask(overrides: Partial<Task> = {}): Task {
  counter += 1;
  return {
    id: `t${counter}`,
    title: `Task ${counter}`,
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '',
    tags: [],
    listId: '',
    order: counter,
    completedAt: 0,
    createdAt: 1_700_000_000_000 + counter,
    updatedAt: 1_700_000_000_000 + counter,
    clocks: {},
    conflicts: [],
    ...overrides,
  };
}
