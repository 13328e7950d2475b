import { listSchema, type Task, type TaskList } from '@taskmaster/shared-schema';
import { useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { applyStartDates } from '../features/tasks/start-date';
import {
  displayOrder,
  matchesSearch,
  summarizeTasks,
  viewMatcher,
  type TaskQuery,
  type TaskSummary,
} from '../features/tasks/task-query';
import { ViewIndex } from '../features/tasks/view-index';
import { viewKey } from './first-screen';
import { LiveSummary, LiveView, plainDocument, TaskStore } from './task-store';

export interface LocalData {
  tasks: readonly Task[];
  lists: readonly TaskList[];
  /** False until every task has been read from IndexedDB (and the lists). */
  ready: boolean;
  /** The lists have arrived (a few documents, read long before the tasks at 10,000 of them). */
  listsReady: boolean;
  /** The tasks in memory, kept current per change; null until `ready`. */
  store: TaskStore | null;
  /** Why the tasks could not be read, if they could not. */
  error: string | null;
}

const LIST_KEYS = Object.keys(listSchema.properties);
const NO_TASKS: readonly Task[] = [];
const noSubscription = () => () => undefined;

/**
 * The local data the UI reads: only IndexedDB, never the network, current with every local,
 * other-tab or replicated change. The tasks come from a {@link TaskStore}; the lists (a few
 * documents) from their RxDB query, each emission mapped to plain objects once per revision.
 */
export function useCollections(db: TaskmasterDatabase | null): LocalData {
  const [opened, setOpened] = useState<{ db: TaskmasterDatabase; store: TaskStore } | null>(null);
  const [lists, setLists] = useState<{ db: TaskmasterDatabase; lists: readonly TaskList[] } | null>(null);
  const [error, setError] = useState<{ db: TaskmasterDatabase; message: string } | null>(null);
  useEffect(() => {
    if (!db) return undefined;
    let closed = false;
    let store: TaskStore | null = null;
    TaskStore.open(db).then(
      (result) => {
        store = result;
        if (closed) result.close();
        else setOpened({ db, store: result });
      },
      (error: unknown) => {
        // The database closed while opening (sign-out): nothing to show.
        if (!closed && !db.closed) setError({ db, message: error instanceof Error ? error.message : String(error) });
      },
    );
    const subscription = db.lists
      .find()
      .$.subscribe((docs) => setLists({ db, lists: docs.map((doc) => plainDocument<TaskList>(doc, LIST_KEYS)) }));
    return () => {
      closed = true;
      store?.close();
      subscription.unsubscribe();
    };
  }, [db]);
  // Another database's state (the previous user's) is never shown.
  const store = opened && opened.db === db ? opened.store : null;
  const shownLists = lists && lists.db === db ? lists.lists : null;
  const tasks = useSyncExternalStore(store?.subscribe ?? noSubscription, () => store?.all ?? NO_TASKS);
  return {
    tasks,
    lists: shownLists ?? [],
    ready: store !== null && shownLists !== null,
    listsReady: shownLists !== null,
    store: shownLists !== null ? store : null,
    error: error && error.db === db ? error.message : null,
  };
}

const seenAtByView = new WeakMap<readonly Task[], number>();

/**
 * For a view returned by {@link useTaskView}: how many changes this tab had seen when it was last
 * brought up to date (first-screen.ts saves only a view that reflects every change), or undefined
 * for a view computed without a store.
 */
export function viewChangeCount(view: readonly Task[]): number | undefined {
  return seenAtByView.get(view);
}

/**
 * The tasks of the current view, in display order. With a store: a {@link LiveView}, kept current
 * per change. Without one (component tests), the same {@link ViewIndex} built from `all` on each
 * change. Then the search filter and the start dates, both linear.
 */
export function useTaskView(
  store: TaskStore | null | undefined,
  query: TaskQuery,
  all: readonly Task[],
): readonly Task[] {
  const { scope, status, sort, today, search } = query;
  const key = viewKey({ scope, status, sort, today });
  // `key` stands for scope, status, sort and today.
  const live = useMemo(() => (store ? new LiveView(store, { scope, status, sort, today }) : null), [store, key]);
  const snapshot = useSyncExternalStore(live?.subscribe ?? noSubscription, () => live?.snapshot() ?? null);
  const fallbackSource = live ? null : all;
  const fallback = useMemo(
    () =>
      fallbackSource
        ? new ViewIndex(viewMatcher({ scope, status, sort, today }), displayOrder(sort), fallbackSource).rows
        : null,
    [fallbackSource, key],
  );
  const view = snapshot?.rows ?? fallback ?? NO_TASKS;
  const kind = scope.kind;
  const seenAt = snapshot?.seenAt;
  return useMemo(() => {
    const searching = search.trim() !== '';
    const found = searching ? view.filter((t) => matchesSearch(t, search)) : view;
    // Tasks whose start date is ahead: hidden from Today, Inbox and All tasks, "later" in a list.
    const shown = applyStartDates(found, { scope: { kind }, today, searching });
    if (seenAt !== undefined && !searching) seenAtByView.set(shown, seenAt);
    return shown;
  }, [view, search, kind, today, seenAt]);
}

const NO_SUMMARY = summarizeTasks([], '');

/**
 * The sidebar's counts and tags and the shell's flags. With a store: a {@link LiveSummary}, kept
 * per change. Without one (component tests): one pass over `tasks` in a deferred render. Empty
 * while `complete` is false (a first screen is not every task).
 */
export function useTaskSummary(
  store: TaskStore | null | undefined,
  tasks: readonly Task[],
  today: string,
  complete: boolean,
): TaskSummary {
  const live = useMemo(() => (store ? new LiveSummary(store, today) : null), [store, today]);
  const summary = useSyncExternalStore(live?.subscribe ?? noSubscription, () => live?.snapshot() ?? null);
  const deferred = useDeferredValue(complete && !live ? tasks : NO_TASKS, NO_TASKS);
  const fallback = useMemo(() => (live ? null : summarizeTasks(deferred, today)), [live, deferred, today]);
  if (!complete) return NO_SUMMARY;
  return summary ?? fallback ?? NO_SUMMARY;
}
