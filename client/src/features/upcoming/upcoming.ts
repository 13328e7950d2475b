import type { Task } from '@taskmaster/shared-schema';
import { isNotStarted } from '../tasks/start-date';
import { PRIORITY_RANK } from '../tasks/task-query';
import { addDaysUtc } from '../tasks/recurrence-phrase';
import type { ProjectedOccurrence } from './project-repeats';

/** How far ahead Upcoming looks, today included. */
export const UPCOMING_DAYS = 14;

export interface UpcomingGroup {
  /** `overdue`, or the `YYYY-MM-DD` day. */
  key: string;
  day: string | null;
  tasks: Task[];
  /** Projected future occurrences of repeating tasks on this day (display only; none for overdue). */
  repeats: ProjectedOccurrence[];
}

const byTimeThenPriority = (a: Task, b: Task) =>
  (a.dueTime || '99:99').localeCompare(b.dueTime || '99:99') ||
  PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
  a.order - b.order ||
  a.id.localeCompare(b.id);

/**
 * The Upcoming view: open tasks that are overdue (on top, oldest first), then one group for each of
 * the next 14 days, today first, each sorted by due time (all-day last), then priority. Days without
 * tasks are kept, so the week reads as a calendar. `repeats` (see `projectRepeats`) go to their day,
 * after its tasks, by time.
 */
export function groupUpcoming(
  tasks: readonly Task[],
  today: string,
  repeats: readonly ProjectedOccurrence[] = [],
): UpcomingGroup[] {
  const last = addDaysUtc(today, UPCOMING_DAYS - 1);
  const overdue: Task[] = [];
  const byDay = new Map<string, Task[]>();
  for (const task of tasks) {
    if (task.status === 'done') continue;
    // A task that has not started yet is listed on its start day (Things' "Upcoming").
    const day = isNotStarted(task, today) && task.startDate! <= last ? task.startDate! : task.dueDate;
    if (day === '') continue;
    if (day < today) overdue.push(task);
    else if (day <= last) {
      const list = byDay.get(day) ?? [];
      list.push(task);
      byDay.set(day, list);
    }
  }
  const groups: UpcomingGroup[] = [];
  if (overdue.length > 0) {
    overdue.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || byTimeThenPriority(a, b));
    groups.push({ key: 'overdue', day: null, tasks: overdue, repeats: [] });
  }
  const repeatsByDay = new Map<string, ProjectedOccurrence[]>();
  for (const repeat of repeats) {
    const list = repeatsByDay.get(repeat.date) ?? [];
    list.push(repeat);
    repeatsByDay.set(repeat.date, list);
  }
  for (let i = 0; i < UPCOMING_DAYS; i++) {
    const day = addDaysUtc(today, i);
    const projected = (repeatsByDay.get(day) ?? []).sort(
      (a, b) => (a.time || '99:99').localeCompare(b.time || '99:99') || byTimeThenPriority(a.task, b.task),
    );
    groups.push({ key: day, day, tasks: (byDay.get(day) ?? []).sort(byTimeThenPriority), repeats: projected });
  }
  return groups;
}
