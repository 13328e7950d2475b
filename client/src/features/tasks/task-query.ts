import type { Task, TaskPriority } from '@taskmaster/shared-schema';

/** Which tasks the main pane shows: a smart view, a list (project) or a tag. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'today' }
  | { kind: 'overdue' }
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

const byManual = (a: Task, b: Task) => a.order - b.order || a.createdAt - b.createdAt || a.id.localeCompare(b.id);
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

/** Every tag in use, most used first, for the sidebar. */
export function collectTags(tasks: readonly Task[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const task of tasks) for (const tag of task.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}
