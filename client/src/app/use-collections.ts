import type { Task, TaskList } from '@taskmaster/shared-schema';
import { useEffect, useState } from 'react';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';

export interface LocalData {
  tasks: Task[];
  lists: TaskList[];
  /** False until the first query result arrived from IndexedDB. */
  ready: boolean;
}

/**
 * Reactive queries over the local database: the UI reads only IndexedDB, never the network, and
 * re-renders on every local, other-tab or replicated change.
 */
export function useCollections(db: TaskmasterDatabase | null): LocalData {
  const [data, setData] = useState<LocalData>({ tasks: [], lists: [], ready: false });
  useEffect(() => {
    if (!db) return undefined;
    let tasks: Task[] | null = null;
    let lists: TaskList[] | null = null;
    const emit = () => {
      if (tasks && lists) setData({ tasks, lists, ready: true });
    };
    const a = db.tasks.find().$.subscribe((docs) => {
      tasks = docs.map((doc) => doc.toMutableJSON() as Task);
      emit();
    });
    const b = db.lists.find().$.subscribe((docs) => {
      lists = docs.map((doc) => doc.toMutableJSON() as TaskList);
      emit();
    });
    return () => {
      a.unsubscribe();
      b.unsubscribe();
    };
  }, [db]);
  return data;
}
