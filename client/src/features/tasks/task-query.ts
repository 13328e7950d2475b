import type { Task, TaskPriority } from '@taskmaster/shared-schema';
import type { MangoQuery, MangoQuerySelector } from 'rxdb/plugins/core';
import { isNotStarted } from './start-date';

/** Which tasks the main pane shows: a smart view, a list (project) or a tag. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'today' }
  | { kind: 'overdue' }
  | { kind: 'upcoming' }
  | { kind: 'inbox' }
  | { kind: 'list'; listId: string }
  | { kind: 'tag'; tag: string };

export type StatusFilter = 'all' | 'active' | 'completed';
export type SortKey = 'manual' | 'due' | 'priority';

export interface TaskQuery {
  scope: Scope;
  status: StatusFilter;
  sort: SortKey;
  search: string;
  /** Local calendar day `YYYY-MM-DD` that "today" and "overdue" are relative to. */
  today: string;
}

export const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 };

/** The local calendar day of `date` as `YYYY-MM-DD` (due dates are calendar days, not instants). */
export function localDay(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export const isDone = (task: Task): boolean => task.status === 'done';

/** The last day the Upcoming view shows: 14 days, today included. */
export const upcomingLastDay = (today: string): string => {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 13)).toISOString().slice(0, 10);
};
export const isOverdue = (task: Task, today: string): boolean =>
  !isDone(task) && task.dueDate !== '' && task.dueDate < today;

export function inScope(task: Task, scope: Scope, today: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'today':
      return task.dueDate !== '' && (task.dueDate === today || isOverdue(task, today));
    case 'overdue':
      return isOverdue(task, today);
    case 'upcoming': {
      const last = upcomingLastDay(today);
      const starts = isNotStarted(task, today) && task.startDate! <= last;
      return !isDone(task) && ((task.dueDate !== '' && task.dueDate <= last) || starts);
    }
    case 'inbox':
      return task.listId === '';
    case 'list':
      return task.listId === scope.listId;
    case 'tag':
      return task.tags.includes(scope.tag);
  }
}

function matchesStatus(task: Task, status: StatusFilter): boolean {
  if (status === 'active') return !isDone(task);
  if (status === 'completed') return isDone(task);
  return true;
}

/**
 * Offline search over the local documents: every whitespace-separated term must match; a `#term`
 * matches a tag by prefix, any other term the title, notes or tags (case-insensitive).
 */
export function matchesSearch(task: Task, search: string): boolean {
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const tags = task.tags.map((t) => t.toLowerCase());
  const text = `${task.title}\n${task.notes}\n${tags.join(' ')}`.toLowerCase();
  return terms.every((term) =>
    term.startsWith('#') && term.length > 1 ? tags.some((t) => t.startsWith(term.slice(1))) : text.includes(term),
  );
}

// Ids compare by code unit, as RxDB's sort does, so both orders agree on the last tie-break.
const byId = (a: Task, b: Task) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byManual = (a: Task, b: Task) => a.order - b.order || a.createdAt - b.createdAt || byId(a, b);
const byDue = (a: Task, b: Task) => {
  if (a.dueDate === b.dueDate) return 0;
  if (a.dueDate === '') return 1;
  if (b.dueDate === '') return -1;
  return a.dueDate < b.dueDate ? -1 : 1;
};
const byPriority = (a: Task, b: Task) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];

const COMPARATORS: Record<SortKey, (a: Task, b: Task) => number> = {
  manual: byManual,
  due: (a, b) => byDue(a, b) || byPriority(a, b) || byManual(a, b),
  priority: (a, b) => byPriority(a, b) || byDue(a, b) || byManual(a, b),
};

/** Filters and sorts the local tasks for display; completed tasks always sink below open ones. */
export function queryTasks(tasks: readonly Task[], query: TaskQuery): Task[] {
  const compare = COMPARATORS[query.sort];
  return tasks
    .filter(
      (t) => inScope(t, query.scope, query.today) && matchesStatus(t, query.status) && matchesSearch(t, query.search),
    )
    .sort((a, b) => Number(isDone(a)) - Number(isDone(b)) || compare(a, b));
}

export interface OpenCounts {
  all: number;
  today: number;
  overdue: number;
  inbox: number;
  lists: Record<string, number>;
}

export interface TaskSummary {
  counts: OpenCounts;
  tags: { tag: string; count: number }[];
  /** Some task records a lost same-field edit (the conflict banner shows). */
  hasConflicts: boolean;
  /** Some task has a reminder (the reminders' code loads). */
  hasReminders: boolean;
}

/**
 * Everything the shell derives from all tasks, in one pass over them (at 10,000 tasks every pass
 * counts, and this one runs on every change). Counts are open tasks, like every count in the
 * sidebar; a tag whose tasks are all done stays listed (count 0) so its tasks remain reachable.
 */
export function summarizeTasks(tasks: readonly Task[], today: string): TaskSummary {
  const counts: OpenCounts = { all: 0, today: 0, overdue: 0, inbox: 0, lists: {} };
  const tagCounts = new Map<string, number>();
  let hasConflicts = false;
  let hasReminders = false;
  for (const task of tasks) {
    if (task.conflicts.length > 0) hasConflicts = true;
    if (task.reminder) hasReminders = true;
    const open = !isDone(task);
    for (const tag of task.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + (open ? 1 : 0));
    if (!open) continue;
    // A task whose start date is ahead counts in its list only, like the views show it (start-date.ts).
    const later = isNotStarted(task, today);
    if (!later) counts.all += 1;
    if (!later && task.dueDate !== '' && task.dueDate <= today) {
      counts.today += 1;
      if (task.dueDate < today) counts.overdue += 1;
    }
    if (task.listId === '') counts.inbox += later ? 0 : 1;
    else counts.lists[task.listId] = (counts.lists[task.listId] ?? 0) + 1;
  }
  const tags = [...tagCounts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  return { counts, tags, hasConflicts, hasReminders };
}

type Selector = MangoQuerySelector<Task>;

function scopeSelector(scope: Scope, today: string): Selector {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'today':
      // Due today, or due earlier and still open (overdue).
      return { dueDate: { $gt: '', $lte: today }, $or: [{ dueDate: today }, { status: { $ne: 'done' } }] };
    case 'overdue':
      return { dueDate: { $gt: '', $lt: today }, status: { $ne: 'done' } };
    case 'upcoming':
      // Overdue and the next 14 days, and tasks starting in them, open only (the view groups them by day).
      return {
        status: { $ne: 'done' },
        $or: [
          { dueDate: { $gt: '', $lte: upcomingLastDay(today) } },
          { startDate: { $gt: today, $lte: upcomingLastDay(today) } },
        ],
      };
    case 'inbox':
      return { listId: '' };
    case 'list':
      return { listId: scope.listId };
    case 'tag':
      return { tags: { $elemMatch: { $eq: scope.tag } } };
  }
}

const STATUS_SELECTOR: Record<StatusFilter, Selector> = {
  all: {},
  active: { status: { $ne: 'done' } },
  completed: { status: 'done' },
};

const MANUAL_SORT = [{ order: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] as const;
const BY_DUE_SORT = [{ dueDate: 'asc' }, ...MANUAL_SORT] as const;

/**
 * The RxDB query of a view: it selects the scope and status and sorts by the stored keys, so the
 * database keeps the result up to date per change (event-reduce) instead of the UI filtering and
 * sorting every task on every change. What a stored key cannot express (completed tasks below open
 * ones, undated tasks last, the priority rank, which is not the alphabetical order of its names) is
 * a linear, stable pass over the sorted result: {@link arrangeView}. Search stays a filter over the
 * view ({@link matchesSearch}).
 */
export function viewQuery(query: Pick<TaskQuery, 'scope' | 'status' | 'sort' | 'today'>): MangoQuery<Task> {
  const parts = [scopeSelector(query.scope, query.today), STATUS_SELECTOR[query.status]].filter(
    (part) => Object.keys(part).length > 0,
  );
  const selector: Selector = parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts };
  const sort = query.sort === 'manual' ? MANUAL_SORT : BY_DUE_SORT;
  return { selector, sort: sort.map((part) => ({ ...part })) as MangoQuery<Task>['sort'] };
}

/** Stable split of `items` into `count` buckets by `bucketOf`. */
function stableBuckets<T>(items: readonly T[], count: number, bucketOf: (item: T) => number): T[][] {
  const buckets: T[][] = Array.from({ length: count }, () => []);
  for (const item of items) buckets[bucketOf(item)]!.push(item);
  return buckets;
}

/** Within runs of equal due date (already sorted by due date), orders by priority rank, stably. */
function rankWithinDueRuns(items: readonly Task[]): Task[] {
  const out: Task[] = [];
  for (let start = 0; start < items.length;) {
    let end = start + 1;
    while (end < items.length && items[end]!.dueDate === items[start]!.dueDate) end += 1;
    const run = items.slice(start, end);
    for (const task of run.length === 1 ? run : stableBuckets(run, 5, (t) => PRIORITY_RANK[t.priority]).flat()) {
      out.push(task);
    }
    start = end;
  }
  return out;
}

function isPartitioned<T>(items: readonly T[], bucketOf: (item: T) => number): boolean {
  let previous = 0;
  for (const item of items) {
    const bucket = bucketOf(item);
    if (bucket < previous) return false;
    previous = bucket;
  }
  return true;
}

/**
 * Turns the result of {@link viewQuery} (sorted by due date or manual order) into the display order
 * of {@link queryTasks}, in linear time: buckets preserve the database's order within each bucket.
 */
export function arrangeView(sorted: readonly Task[], sort: SortKey): readonly Task[] {
  const done = (t: Task) => (isDone(t) ? 1 : 0);
  // The common case after one change: the manual order already has every open task first.
  if (sort === 'manual' && isPartitioned(sorted, done)) return sorted;
  const undated = (t: Task) => (t.dueDate === '' ? 1 : 0);
  switch (sort) {
    case 'manual':
      return stableBuckets(sorted, 2, done).flat();
    case 'due':
      return stableBuckets(sorted, 4, (t) => done(t) * 2 + undated(t)).flatMap(rankWithinDueRuns);
    case 'priority':
      return stableBuckets(sorted, 20, (t) => done(t) * 10 + PRIORITY_RANK[t.priority] * 2 + undated(t)).flat();
  }
}
