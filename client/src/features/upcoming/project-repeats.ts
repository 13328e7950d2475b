import type { Task } from '@taskmaster/shared-schema';
import type * as Recurrence from '@taskmaster/sync-client/recurrence';
import { addDaysUtc } from '../tasks/recurrence-phrase';

/** The part of the engine's recurrence module the projection needs (loaded lazily by the view). */
export type RecurrenceRules = Pick<typeof Recurrence, 'occurrencesBetween' | 'occurrenceId'>;

/**
 * A future occurrence of a repeating task, for display only: nothing is written. Completing the
 * task's current occurrence is what creates the next one (SPEC R4, "Repeating tasks").
 */
export interface ProjectedOccurrence {
  /** The repeating task (its current occurrence). */
  task: Task;
  /** `YYYY-MM-DD` of this occurrence. */
  date: string;
  /** `HH:MM` (the task's due time), or '' for all day. */
  time: string;
}

export interface ProjectionLimits {
  /** Days from today, today included. */
  days: number;
  /** At most this many occurrences of one task. */
  perTask: number;
  /** At most this many occurrences in all (many daily repeats must not flood the view). */
  total: number;
}

export const DEFAULT_PROJECTION_LIMITS: ProjectionLimits = { days: 14, perTask: 14, total: 150 };

/**
 * The next occurrences of every open repeating task that fall in the next `days` days, after its
 * current occurrence (the task itself is shown on its due day already), in date order. Computed on
 * the wall clock by the engine's rules (`rrule-temporal`), so "every day at 09:00" stays at 09:00
 * across a DST change and no day is skipped or doubled. An occurrence that already exists as its own
 * task (created by a completion: `occurrenceId`) is not projected again. Bounded per task and in total.
 */
export function projectRepeats(
  tasks: readonly Task[],
  today: string,
  rules: RecurrenceRules,
  limits: ProjectionLimits = DEFAULT_PROJECTION_LIMITS,
): ProjectedOccurrence[] {
  const last = addDaysUtc(today, limits.days - 1);
  const repeating = tasks
    .filter((t) => t.repeat && t.dueDate !== '' && t.status !== 'done')
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (repeating.length === 0) return [];
  const ids = new Set(tasks.map((t) => t.id));
  const projected: ProjectedOccurrence[] = [];
  for (const task of repeating) {
    const from = task.dueDate >= today ? addDaysUtc(task.dueDate, 1) : today;
    if (from > last) continue;
    const current = { date: task.dueDate, time: task.dueTime ?? '' };
    let count = 0;
    // One more than needed, in case the first is the current occurrence itself.
    for (const next of rules.occurrencesBetween(task.repeat!, current, from, last, limits.perTask + 1)) {
      if (next.date <= task.dueDate || ids.has(rules.occurrenceId(task.id, next.date))) continue;
      projected.push({ task, date: next.date, time: next.time });
      if (++count >= limits.perTask) break;
    }
  }
  projected.sort((a, b) => a.date.localeCompare(b.date) || (a.time || '99:99').localeCompare(b.time || '99:99'));
  return projected.slice(0, limits.total);
}
