import type { TaskActions } from './task-actions.js';

const ACTIONS = [
  'addTask',
  'updateTask',
  'deleteTask',
  'restoreTask',
  'addList',
  'updateList',
  'deleteList',
  'dismissConflicts',
  'restoreConflict',
  'deleteListToInbox',
  'undoDeleteList',
  'addSubtask',
  'updateSubtask',
  'removeSubtask',
  'skipOccurrence',
] as const satisfies readonly (keyof TaskActions)[];

/** Task actions that wait for `load` (the write path, loaded after first render) before each call. */
export function deferredTaskActions(load: () => Promise<TaskActions>): TaskActions {
  const call =
    <K extends keyof TaskActions>(name: K) =>
    async (...args: Parameters<TaskActions[K]>): Promise<Awaited<ReturnType<TaskActions[K]>>> =>
      ((await load())[name] as (...a: Parameters<TaskActions[K]>) => Promise<Awaited<ReturnType<TaskActions[K]>>>)(
        ...args,
      );
  return Object.fromEntries(ACTIONS.map((name) => [name, call(name)])) as unknown as TaskActions;
}
