import type { Task, TaskList } from '@taskmaster/shared-schema';
import { useMemo, useState } from 'react';
import type { SyncView } from '../../src/features/sync/SyncIndicator';
import { makeTask } from './test-fixtures';
import type { TaskActions } from '@taskmaster/sync-client/db';
import { TaskApp } from '../../src/app/TaskApp';

let subtaskIds = 0;

/** TaskApp over in-memory state, for component tests that do not need RxDB. */
export function TaskAppHarness({
  initial = [],
  lists = [],
  sync,
}: {
  initial?: Task[];
  lists?: TaskList[];
  sync?: SyncView;
}) {
  const [tasks, setTasks] = useState<Task[]>(initial);
  const actions = useMemo<TaskActions>(
    () => ({
      addTask: async (fields) => {
        const task = makeTask({ ...fields });
        setTasks((all) => [...all, task]);
        return task.id;
      },
      updateTask: async (id, patch) => setTasks((all) => all.map((t) => (t.id === id ? { ...t, ...patch } : t))),
      deleteTask: async (id) => setTasks((all) => all.filter((t) => t.id !== id)),
      restoreTask: async (task) => setTasks((all) => [...all, task]),
      addList: async () => 'l1',
      updateList: async () => undefined,
      deleteList: async () => undefined,
      dismissConflicts: async (_c, id) =>
        setTasks((all) => all.map((t) => (t.id === id ? { ...t, conflicts: [] } : t))),
      restoreConflict: async (id, conflict, patch) =>
        setTasks((all) =>
          all.map((t) =>
            t.id === id
              ? { ...t, ...patch, conflicts: t.conflicts.filter((c) => c.lostClock !== conflict.lostClock) }
              : t,
          ),
        ),
      deleteListToInbox: async (id) => ({ listId: id, moved: [] }),
      undoDeleteList: async () => undefined,
      addSubtask: async (taskId, title) => {
        const subId = `s${++subtaskIds}`;
        setTasks((all) =>
          all.map((t) =>
            t.id === taskId
              ? { ...t, subtasks: { ...t.subtasks, [subId]: { title, done: false, order: 1, removed: false } } }
              : t,
          ),
        );
        return subId;
      },
      updateSubtask: async (taskId, subId, patch) =>
        setTasks((all) =>
          all.map((t) => {
            const sub = t.subtasks?.[subId];
            return t.id === taskId && sub ? { ...t, subtasks: { ...t.subtasks, [subId]: { ...sub, ...patch } } } : t;
          }),
        ),
      removeSubtask: async (taskId, subId) =>
        setTasks((all) =>
          all.map((t) => {
            const sub = t.subtasks?.[subId];
            return t.id === taskId && sub
              ? { ...t, subtasks: { ...t.subtasks, [subId]: { ...sub, removed: true } } }
              : t;
          }),
        ),
      skipOccurrence: async () => undefined,
    }),
    [],
  );
  return (
    <TaskApp
      tasks={tasks}
      lists={lists}
      actions={actions}
      sync={sync ?? { status: 'idle', pending: 0, lastSyncedAt: null }}
      deviceNode="devicea"
      email="me@example.com"
      onSignOut={() => undefined}
    />
  );
}
