import type { Task } from '@taskmaster/shared-schema';
import { useCallback, useMemo, useState } from 'react';
import type { ParsedQuickAdd } from '../features/tasks/parse-quick-add';
import { orderForMove, orderForTop } from '../features/tasks/ordering';
import type { Scope } from '../features/tasks/task-query';
import { completionPatch, type TaskActions, type TaskPatch } from '@taskmaster/sync-client/db';

export interface UndoEntry {
  task: Task;
}

/** The task commands of the main view, with undo for deletes and one place that reports failures. */
export function useTaskCommands(
  actions: TaskActions,
  allTasks: readonly Task[],
  visible: readonly Task[],
  scope: Scope,
  today: string,
) {
  const [undo, setUndo] = useState<UndoEntry | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    (work: Promise<unknown>): Promise<boolean> =>
      work.then(
        () => true,
        (cause: unknown) => {
          setError(cause instanceof Error ? cause.message : 'Something went wrong');
          return false;
        },
      ),
    [],
  );

  return useMemo(() => {
    /** Resolves once the task is committed locally; a failure is the caller's to show (the box keeps its text). */
    const add = (parsed: ParsedQuickAdd): Promise<string> => {
      const tags = scope.kind === 'tag' && !parsed.tags.includes(scope.tag) ? [scope.tag, ...parsed.tags] : parsed.tags;
      return actions.addTask({
        title: parsed.title,
        tags,
        ...(parsed.priority ? { priority: parsed.priority } : {}),
        listId: parsed.listId ?? (scope.kind === 'list' ? scope.listId : ''),
        dueDate: parsed.dueDate ?? (scope.kind === 'today' || scope.kind === 'upcoming' ? today : ''),
        ...(parsed.dueTime ? { dueTime: parsed.dueTime } : {}),
        ...(parsed.repeat ? { repeat: parsed.repeat } : {}),
        order: orderForTop(allTasks),
      });
    };
    /** Reports a failure in the error toast, and also resolves to whether the edit was committed. */
    const update = (id: string, patch: TaskPatch): Promise<boolean> => run(actions.updateTask(id, patch));
    const toggle = (task: Task) => update(task.id, completionPatch(task.status !== 'done'));
    const remove = (task: Task) => {
      setUndo({ task });
      run(actions.deleteTask(task.id));
    };
    const undoDelete = () => {
      if (!undo) return false;
      run(actions.restoreTask(undo.task));
      setUndo(null);
      return true;
    };
    const reorder = (id: string, toIndex: number) => {
      const order = orderForMove(visible, id, toIndex);
      if (order !== undefined) update(id, { order });
    };
    const moveBy = (id: string, delta: number) => {
      const index = visible.findIndex((t) => t.id === id);
      if (index >= 0 && index + delta >= 0 && index + delta < visible.length) reorder(id, index + delta);
    };
    return {
      add,
      update,
      toggle,
      remove,
      undoDelete,
      reorder,
      moveBy,
      undo,
      clearUndo: () => setUndo(null),
      error,
      clearError: () => setError(null),
      run,
    };
  }, [actions, allTasks, visible, scope, today, undo, error, run]);
}
