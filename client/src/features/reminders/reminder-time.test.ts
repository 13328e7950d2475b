import { describe, expect, it } from 'vitest';
import {
  encodeReminder,
  isReminderDue,
  MISSED_GRACE_MS,
  nextReminderAt,
  parseReminder,
  reminderTrigger,
  type RemindableTask,
} from './reminder-time';

const NY = 'America/New_York';
const task = (patch: Partial<RemindableTask>): RemindableTask => ({
  id: 't1',
  title: 'Call',
  status: 'todo',
  dueDate: '',
  ...patch,
});

describe('reminders: when they fire', () => {
  it('reads and writes the stored forms', () => {
    expect(parseReminder('at:1700000000000')).toEqual({ kind: 'at', at: 1700000000000 });
    expect(parseReminder('before:15')).toEqual({ kind: 'before', minutes: 15 });
    expect(parseReminder('')).toEqual({ kind: 'none' });
    expect(parseReminder('garbage')).toEqual({ kind: 'none' });
    expect(encodeReminder({ kind: 'before', minutes: 30 })).toBe('before:30');
  });

  it('"N minutes before due" is in the user’s zone, across DST too', () => {
    // Due Sun 8 Mar 2026 09:00 in New York: EDT has begun, 13:00 UTC.
    const t = task({ dueDate: '2026-03-08', dueTime: '09:00', reminder: 'before:30' });
    expect(new Date(reminderTrigger(t, NY)!).toISOString()).toBe('2026-03-08T12:30:00.000Z');
    // An all-day task is due at 09:00 local.
    const allDay = task({ dueDate: '2026-03-07', reminder: 'before:0' });
    expect(new Date(reminderTrigger(allDay, NY)!).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(reminderTrigger(task({ reminder: 'before:10' }), NY)).toBeNull();
  });

  it('fires once: a mark for this trigger (from any device) stops it, a new trigger fires again', () => {
    const at = Date.UTC(2026, 11, 1, 15);
    const t = task({ reminder: `at:${at}` });
    expect(isReminderDue(t, at - 1, NY)).toBe(false);
    expect(isReminderDue(t, at, NY)).toBe(true);
    expect(isReminderDue({ ...t, reminderFiredAt: at }, at + 1000, NY)).toBe(false);
    expect(isReminderDue({ ...t, reminderFiredAt: at - 60_000 }, at + 1000, NY)).toBe(true);
    expect(isReminderDue({ ...t, status: 'done' }, at, NY)).toBe(false);
    expect(isReminderDue(t, at + MISSED_GRACE_MS + 1, NY)).toBe(false);
  });

  it('the next reminder to schedule skips fired and past ones', () => {
    const now = Date.UTC(2026, 11, 1, 12);
    const tasks = [
      task({ id: 'a', reminder: `at:${now + 60_000}`, reminderFiredAt: now + 60_000 }),
      task({ id: 'b', reminder: `at:${now + 120_000}` }),
      task({ id: 'c', reminder: `at:${now - 1}` }),
      task({ id: 'd', reminder: `at:${now + 30_000}`, status: 'done' }),
    ];
    expect(nextReminderAt(tasks, now, NY)).toBe(now + 120_000);
  });
});
