import { taskSchema, type Task, type TaskPriority } from '@taskmaster/shared-schema';
import {
  getQueryMatcher,
  type FilledMangoQuery,
  type MangoQuery,
  type MangoQuerySelector,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb/plugins/core';
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

/**
 * The display order of a view sorted by `sort`: completed tasks below open ones, then the sort, ties
 * broken by id, so it is a total order (a task has one place, found by binary search).
 */
export function displayOrder(sort: SortKey): (a: Task, b: Task) => number {
  const compare = COMPARATORS[sort];
  return (a, b) => Number(isDone(a)) - Number(isDone(b)) || compare(a, b);
}

/** Filters and sorts the local tasks for display; completed tasks always sink below open ones. */
export function queryTasks(tasks: readonly Task[], query: TaskQuery): Task[] {
  return tasks
    .filter(
      (t) => inScope(t, query.scope, query.today) && matchesStatus(t, query.status) && matchesSearch(t, query.search),
    )
    .sort(displayOrder(query.sort));
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
 * Everything the shell derives from all tasks (counts are open tasks, like every count in the
 * sidebar; a tag whose tasks are all done stays listed, count 0, so its tasks remain reachable),
 * kept per change: {@link TaskTally.add} a task's previous version with -1 and its new one with +1.
 * At 10,000 tasks a pass over all of them on every change costs about 10 ms; this costs a few
 * operations per changed task.
 */
export class TaskTally {
  #all = 0;
  #today = 0;
  #overdue = 0;
  #inbox = 0;
  readonly #lists = new Map<string, number>();
  /** Per tag: open tasks, and all tasks (listed while any task has it). */
  readonly #tags = new Map<string, { open: number; total: number }>();
  #conflicts = 0;
  #reminders = 0;
  #summary: TaskSummary | null = null;

  constructor(readonly today: string) {}

  add(task: Task, sign: 1 | -1): void {
    this.#summary = null;
    if (task.conflicts.length > 0) this.#conflicts += sign;
    if (task.reminder) this.#reminders += sign;
    const open = !isDone(task);
    for (const tag of task.tags) {
      const entry = this.#tags.get(tag) ?? { open: 0, total: 0 };
      entry.total += sign;
      if (open) entry.open += sign;
      if (entry.total === 0) this.#tags.delete(tag);
      else this.#tags.set(tag, entry);
    }
    if (!open) return;
    // A task whose start date is ahead counts in its list only, like the views show it (start-date.ts).
    const later = isNotStarted(task, this.today);
    if (!later) this.#all += sign;
    if (!later && task.dueDate !== '' && task.dueDate <= this.today) {
      this.#today += sign;
      if (task.dueDate < this.today) this.#overdue += sign;
    }
    if (task.listId === '') this.#inbox += later ? 0 : sign;
    else {
      const count = (this.#lists.get(task.listId) ?? 0) + sign;
      if (count === 0) this.#lists.delete(task.listId);
      else this.#lists.set(task.listId, count);
    }
  }

  /** The summary; the same object until the next {@link add}. */
  summary(): TaskSummary {
    this.#summary ??= {
      counts: {
        all: this.#all,
        today: this.#today,
        overdue: this.#overdue,
        inbox: this.#inbox,
        lists: Object.fromEntries(this.#lists),
      },
      tags: [...this.#tags]
        .map(([tag, { open }]) => ({ tag, count: open }))
        .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
      hasConflicts: this.#conflicts > 0,
      hasReminders: this.#reminders > 0,
    };
    return this.#summary;
  }
}

/** {@link TaskTally}'s summary of `tasks`, in one pass. */
export function summarizeTasks(tasks: readonly Task[], today: string): TaskSummary {
  const tally = new TaskTally(today);
  for (const task of tasks) tally.add(task, 1);
  return tally.summary();
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
 * The RxDB query of a view: its selector is the scope and status, its sort the stored keys. The
 * views run it in memory, kept current per change (the app's task store: {@link viewMatcher}, then
 * {@link displayOrder}, which adds what a stored key cannot express: completed tasks below open
 * ones, undated tasks last, the priority rank, which is not the alphabetical order of its names).
 * Search stays a filter over the view ({@link matchesSearch}).
 */
export function viewQuery(query: Pick<TaskQuery, 'scope' | 'status' | 'sort' | 'today'>): MangoQuery<Task> {
  const parts = [scopeSelector(query.scope, query.today), STATUS_SELECTOR[query.status]].filter(
    (part) => Object.keys(part).length > 0,
  );
  const selector: Selector = parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts };
  const sort = query.sort === 'manual' ? MANUAL_SORT : BY_DUE_SORT;
  return { selector, sort: sort.map((part) => ({ ...part })) as MangoQuery<Task>['sort'] };
}

const schema = taskSchema as unknown as RxJsonSchema<RxDocumentData<Task>>;

/**
 * Whether a task is in a view: RxDB's matcher for {@link viewQuery}'s selector (in the browser build,
 * the engine's compiled selector), so a view in memory selects exactly what the database would.
 */
export function viewMatcher(query: Pick<TaskQuery, 'scope' | 'status' | 'sort' | 'today'>): (task: Task) => boolean {
  const filled = { ...viewQuery(query), skip: 0 } as FilledMangoQuery<Task>;
  return getQueryMatcher(schema, filled) as unknown as (task: Task) => boolean;
}
