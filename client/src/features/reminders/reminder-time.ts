import { occurrenceInstant } from '@taskmaster/sync-client/recurrence';

/**
 * A task's reminder, as stored in `task.reminder`:
 * - `''`: none;
 * - `at:<epoch ms>`: at that instant;
 * - `before:<minutes>`: that long before the due date and time (an all-day task is "due" at
 *   `ALL_DAY_DUE_TIME` on its day, in the user's zone).
 */
export type Reminder = { kind: 'none' } | { kind: 'at'; at: number } | { kind: 'before'; minutes: number };

/** When an all-day task is due, for "N minutes before due". */
export const ALL_DAY_DUE_TIME = '09:00';
/** A reminder that was missed for longer than this (device off, app closed) is not shown late. */
export const MISSED_GRACE_MS = 12 * 60 * 60 * 1000;

export function parseReminder(value: string | undefined): Reminder {
  const at = /^at:(\d{1,14})$/.exec(value ?? '')?.[1];
  if (at) return { kind: 'at', at: Number(at) };
  const before = /^before:(\d{1,5})$/.exec(value ?? '')?.[1];
  if (before) return { kind: 'before', minutes: Number(before) };
  return { kind: 'none' };
}

export function encodeReminder(reminder: Reminder): string {
  if (reminder.kind === 'at') return `at:${Math.round(reminder.at)}`;
  if (reminder.kind === 'before') return `before:${Math.max(0, Math.round(reminder.minutes))}`;
  return '';
}

export interface RemindableTask {
  id: string;
  title: string;
  status: string;
  dueDate: string;
  dueTime?: string;
  reminder?: string;
  reminderFiredAt?: number;
}

/** The instant the task's reminder is for, or null (no reminder, or "before due" with no due date). */
export function reminderTrigger(task: RemindableTask, timeZone: string): number | null {
  const reminder = parseReminder(task.reminder);
  if (reminder.kind === 'at') return reminder.at;
  if (reminder.kind === 'before' && task.dueDate !== '') {
    const due = occurrenceInstant(task.dueDate, task.dueTime || ALL_DAY_DUE_TIME, timeZone);
    return due - reminder.minutes * 60_000;
  }
  return null;
}

/**
 * Whether the reminder is due now and nobody showed it yet. `reminderFiredAt` holds the trigger
 * instant that was shown (on any device: the mark syncs), so a reminder fires once across devices,
 * and a moved reminder (new trigger) fires again.
 */
export function isReminderDue(task: RemindableTask, now: number, timeZone: string): boolean {
  if (task.status === 'done') return false;
  const trigger = reminderTrigger(task, timeZone);
  if (trigger === null || trigger > now || now - trigger > MISSED_GRACE_MS) return false;
  return (task.reminderFiredAt ?? 0) !== trigger;
}

/** The next instant after `now` at which some reminder becomes due, or null. */
export function nextReminderAt(tasks: readonly RemindableTask[], now: number, timeZone: string): number | null {
  let next: number | null = null;
  for (const task of tasks) {
    if (task.status === 'done') continue;
    const trigger = reminderTrigger(task, timeZone);
    if (trigger === null || trigger <= now || (task.reminderFiredAt ?? 0) === trigger) continue;
    if (next === null || trigger < next) next = trigger;
  }
  return next;
}

/** The text of a reminder: "Due 15:00", "Due today", or nothing for an undated task. */
export function reminderBody(task: RemindableTask, locale?: string): string {
  if (task.dueDate === '') return 'Reminder';
  const [y, m, d] = task.dueDate.split('-').map(Number) as [number, number, number];
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(y, m - 1, d),
  );
  return task.dueTime ? `Due ${day}, ${task.dueTime}` : `Due ${day}`;
}
