import type { Task } from '@taskmaster/shared-schema';
// Nothing from task-query: it imports this module (the counts), and imports must not circle.
const isDone = (task: Task) => task.status === 'done';

/**
 * Start dates, the way Things treats them: a task whose start date is still ahead is not
 * actionable yet. It stays out of Today, Overdue, the Inbox and All tasks (so the default list
 * shows what can be done now); it shows in Upcoming on its start day, and in its list or tag view
 * after the tasks that have started, each marked "Starts <day>". A search finds it in every view.
 * A due date wins over a later start date: a task due today or overdue is shown (Things, too,
 * moves a task to Today on its deadline), because hiding a deadline costs more than showing a
 * task early.
 */
export function isNotStarted(task: Task, today: string): boolean {
  if (isDone(task) || task.startDate === undefined || task.startDate === '' || task.startDate <= today) return false;
  return task.dueDate === undefined || task.dueDate === '' || task.dueDate > today;
}

/** The views that show only what can be done now. */
const ACTIONABLE_VIEWS: ReadonlySet<string> = new Set(['all', 'today', 'overdue', 'inbox']);

/**
 * The last step of a view, after the search filter (`searching`: the search box is not empty):
 * the start dates (see {@link isNotStarted}). Linear, and when no task in the view has a start date
 * ahead it returns its input unchanged (the same array), so memoized rows keep their identity.
 * Upcoming places such tasks itself (on their start day).
 */
export function applyStartDates(
  view: readonly Task[],
  options: { scope: { kind: string }; today: string; searching: boolean },
): readonly Task[] {
  const { scope, today, searching } = options;
  if (scope.kind === 'upcoming' || !view.some((t) => isNotStarted(t, today))) return view;
  if (ACTIONABLE_VIEWS.has(scope.kind) && !searching) return view.filter((t) => !isNotStarted(t, today));
  // A list or tag view, or a search: the tasks that have started, then the later ones, then done ones.
  const started: Task[] = [];
  const later: Task[] = [];
  const done: Task[] = [];
  for (const task of view) (isDone(task) ? done : isNotStarted(task, today) ? later : started).push(task);
  return [...started, ...later, ...done];
}
