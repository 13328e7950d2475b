import { listSchema, taskSchema, type Task, type TaskList } from '@taskmaster/shared-schema';
import { useEffect, useMemo, useState } from 'react';
import {
  getQueryMatcher,
  getSortComparator,
  type FilledMangoQuery,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb/plugins/core';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { applyStartDates } from '../features/tasks/start-date';
import { changeCount, viewKey } from './first-screen';
import { arrangeView, matchesSearch, viewQuery, type TaskQuery } from '../features/tasks/task-query';

export interface LocalData {
  tasks: readonly Task[];
  lists: readonly TaskList[];
  /** False until the first query result arrived from IndexedDB. */
  ready: boolean;
  /** The lists have arrived (a few documents, read long before the tasks at 10,000 of them). */
  listsReady: boolean;
}

/** The part of an RxDocument read here: its stored data, one object per revision. */
interface StoredDocument {
  readonly _data: object;
}

const plainByRevision = new WeakMap<object, object>();
const TASK_KEYS = Object.keys(taskSchema.properties);
const LIST_KEYS = Object.keys(listSchema.properties);

/**
 * The document's fields (without RxDB's `_rev`, `_meta`, …) as a frozen object, made once per
 * revision: a query emission after one change re-reads one document, not all of them, and an
 * unchanged task keeps its identity, so memoized rows skip re-rendering. Copying the schema's keys
 * gives every task the same object shape (fast property access). Nested values (tags, clocks,
 * conflicts) are shared with RxDB's copy, as `toJSON()` shares them, and are deep-frozen in
 * development builds by RxDB's dev-mode: nothing in the UI may mutate a task; the top level is
 * frozen here in every build so that a mutation fails the same way in production as in development.
 */
export function plainDocument<T>(doc: StoredDocument, keys: readonly string[] = TASK_KEYS): T {
  const data = doc._data as Record<string, unknown>;
  let plain = plainByRevision.get(data);
  if (!plain) {
    const copy: Record<string, unknown> = {};
    for (const key of keys) if (data[key] !== undefined) copy[key] = data[key];
    plain = Object.freeze(copy);
    plainByRevision.set(data, plain);
  }
  return plain as T;
}

const plainByResult = new WeakMap<readonly StoredDocument[], readonly unknown[]>();

/**
 * A query result as plain tasks, made once per result: the all-tasks query and the default view are
 * the same RxDB query, whose subscribers receive the same array, so 10,000 documents are mapped once
 * per change, not once per subscriber.
 */
function plainDocuments<T>(docs: readonly StoredDocument[], keys?: readonly string[]): readonly T[] {
  let plain = plainByResult.get(docs);
  if (!plain) {
    plain = docs.map((doc) => plainDocument<T>(doc, keys));
    plainByResult.set(docs, plain);
  }
  return plain as readonly T[];
}

/**
 * Every task, in the manual order: the default view's query, so at start-up the database reads the
 * tasks once for both the sidebar's counts and the list (RxDB shares identical queries).
 */
export const ALL_TASKS_QUERY: MangoQuery<Task> = viewQuery({
  scope: { kind: 'all' },
  status: 'all',
  sort: 'manual',
  today: '',
});

/**
 * Reactive queries over the local database: the UI reads only IndexedDB, never the network, and
 * re-renders on every local, other-tab or replicated change. All tasks feed the sidebar's counts;
 * the displayed view has its own query ({@link useTaskView}).
 */
export function useCollections(db: TaskmasterDatabase | null): LocalData {
  const [data, setData] = useState<LocalData>({ tasks: [], lists: [], ready: false, listsReady: false });
  useEffect(() => {
    if (!db) return undefined;
    let tasks: readonly Task[] | null = null;
    let lists: readonly TaskList[] | null = null;
    const emit = () => {
      if (lists) setData({ tasks: tasks ?? [], lists, ready: tasks !== null, listsReady: true });
    };
    const a = db.tasks.find(ALL_TASKS_QUERY).$.subscribe((docs) => {
      tasks = plainDocuments<Task>(docs);
      emit();
    });
    const b = db.lists.find().$.subscribe((docs) => {
      lists = plainDocuments<TaskList>(docs, LIST_KEYS);
      emit();
    });
    return () => {
      a.unsubscribe();
      b.unsubscribe();
    };
  }, [db]);
  return data;
}

/** A view query over tasks in memory, matched and sorted exactly as the database does it. */
function runInMemory(tasks: readonly Task[], query: ReturnType<typeof viewQuery>): Task[] {
  const filled = { ...query, skip: 0 } as FilledMangoQuery<Task>;
  const schema = taskSchema as unknown as RxJsonSchema<RxDocumentData<Task>>;
  const matches = getQueryMatcher(schema, filled) as unknown as (task: Task) => boolean;
  const compare = getSortComparator(schema, filled) as unknown as (a: Task, b: Task) => number;
  return tasks.filter(matches).sort(compare);
}

interface ViewResult {
  key: string;
  sorted: readonly Task[];
  /** {@link changeCount} when the database answered: the changes this result reflects. */
  seenAt: number;
}

const seenAtByView = new WeakMap<readonly Task[], number>();

/**
 * For a view returned by {@link useTaskView}: how many changes this tab had seen when the database
 * computed it (first-screen.ts saves only a view that reflects every change), or undefined for a
 * view computed in memory while its query had not answered yet.
 */
export function viewChangeCount(view: readonly Task[]): number | undefined {
  return seenAtByView.get(view);
}

/**
 * The tasks of the current view, in display order, from the view's own RxDB query
 * ({@link viewQuery}): selected and sorted by the database and kept up to date per change, then
 * arranged in one linear pass. Until the query for a new view has answered (one IndexedDB read
 * after navigating), and when there is no database (component tests), the same query runs over
 * `all` with RxDB's own matcher and sort comparator, so the view never shows the previous scope's tasks.
 */
export function useTaskView(
  db: TaskmasterDatabase | null | undefined,
  query: TaskQuery,
  /** Every task; with a database, as {@link useCollections} gives them (in {@link ALL_TASKS_QUERY}'s order). */
  all: readonly Task[],
): readonly Task[] {
  const { scope, status, sort, today, search } = query;
  const key = viewKey({ scope, status, sort, today });
  const [result, setResult] = useState<ViewResult | null>(null);
  useEffect(() => {
    if (!db) return undefined;
    const subscription = db.tasks
      .find(viewQuery({ scope, status, sort, today }))
      .$.subscribe((docs) => setResult({ key, sorted: plainDocuments<Task>(docs), seenAt: changeCount() }));
    return () => subscription.unsubscribe();
    // `key` stands for scope, status, sort and today.
  }, [db, key]);
  const fresh = db && result?.key === key ? result.sorted : null;
  const arranged = useMemo(() => (fresh ? arrangeView(fresh, sort) : null), [fresh, sort]);
  // Only computed while the query has not answered: `all` changes on every write, `arranged` then not.
  const fallbackSource = arranged ? null : all;
  const fallback = useMemo(() => {
    if (!fallbackSource) return null;
    // `all` is already in this view's order (it is the same query): no second sort at start-up.
    const isAll = Boolean(db) && scope.kind === 'all' && status === 'all' && sort === 'manual';
    const sorted = isAll ? fallbackSource : runInMemory(fallbackSource, viewQuery({ scope, status, sort, today }));
    return arrangeView(sorted, sort);
  }, [fallbackSource, key]);
  const view = arranged ?? fallback ?? [];
  const kind = scope.kind;
  const seenAt = arranged && result ? result.seenAt : undefined;
  return useMemo(() => {
    const searching = search.trim() !== '';
    const found = searching ? view.filter((t) => matchesSearch(t, search)) : view;
    // Tasks whose start date is ahead: hidden from Today, Inbox and All tasks, "later" in a list.
    const shown = applyStartDates(found, { scope: { kind }, today, searching });
    if (seenAt !== undefined && !searching) seenAtByView.set(shown, seenAt);
    return shown;
  }, [view, search, kind, today, seenAt]);
}
