import type { Task } from '@taskmaster/shared-schema';
import * as recurrence from '@taskmaster/sync-client/recurrence';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { projectRepeats } from './project-repeats';
import { groupUpcoming } from './upcoming';

let n = 0;
const task = (patch: Partial<Task>): Task => ({
  id: `t${++n}`,
  title: 'Task',
  notes: '',
  status: 'todo',
  priority: 'none',
  dueDate: '',
  dueTime: '',
  startDate: '',
  repeat: '',
  tags: [],
  listId: '',
  order: n,
  completedAt: 0,
  createdAt: 0,
  updatedAt: 0,
  clocks: {},
  conflicts: [],
  ...patch,
});

const dates = (tasks: readonly Task[], today: string) => projectRepeats(tasks, today, recurrence).map((p) => p.date);

describe('Upcoming: projected occurrences of repeating tasks (SPEC R4, repeating tasks; display only)', () => {
  // The process's zone changes per case (Node reads TZ when it changes); restored after each.
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('projects the occurrences after the current one within the 14 days, not the current one, not beyond', () => {
    const weekly = task({ title: 'Team sync', dueDate: '2026-12-01', repeat: 'FREQ=WEEKLY' });
    expect(dates([weekly], '2026-12-01')).toEqual(['2026-12-08']);
    const everyTwoDays = task({ dueDate: '2026-12-03', repeat: 'FREQ=DAILY;INTERVAL=2' });
    expect(dates([everyTwoDays], '2026-12-01')).toEqual([
      '2026-12-05',
      '2026-12-07',
      '2026-12-09',
      '2026-12-11',
      '2026-12-13',
    ]);
  });

  it('"every day at 09:00" stays at 09:00 on every day across the DST changes, whatever the zone (spring forward, fall back)', () => {
    const results = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'UTC'].map((tz) => {
      vi.stubEnv('TZ', tz);
      // The zone really is in effect, and (but for UTC) changes its offset around these weeks.
      const offsets = new Set([new Date(2026, 2, 1).getTimezoneOffset(), new Date(2026, 3, 15).getTimezoneOffset()]);
      expect(offsets.size).toBe(tz === 'UTC' ? 1 : 2);
      const springUs = task({ id: 'spring', dueDate: '2026-03-05', dueTime: '09:00', repeat: 'FREQ=DAILY' });
      const fallUs = task({ id: 'fall', dueDate: '2026-10-28', dueTime: '09:00', repeat: 'FREQ=DAILY' });
      const spring = projectRepeats([springUs], '2026-03-05', recurrence);
      const fall = projectRepeats([fallUs], '2026-10-28', recurrence);
      return { spring, fall };
    });
    for (const { spring, fall } of results) {
      // 2026-03-08 (US) is inside: 13 days after today, each exactly once, each at 09:00.
      expect(spring.map((p) => p.date)).toEqual(
        Array.from({ length: 13 }, (_, i) => recurrence.addDays('2026-03-05', i + 1)),
      );
      expect(spring.every((p) => p.time === '09:00')).toBe(true);
      // 2026-11-01 (US fall back) and 2026-10-25 (EU) around it: no day doubled or skipped.
      expect(fall.map((p) => p.date)).toContain('2026-11-01');
      expect(new Set(fall.map((p) => p.date)).size).toBe(13);
      expect(fall.every((p) => p.time === '09:00')).toBe(true);
    }
    expect(results.map((r) => JSON.stringify(r.spring.map((p) => [p.date, p.time])))).toEqual(
      Array(4).fill(JSON.stringify(results[0]!.spring.map((p) => [p.date, p.time]))),
    );
  });

  it('a weekly 02:30 task keeps its wall-clock time on the day a spring-forward skips 02:30 (Europe/Berlin, 2026-03-29)', () => {
    vi.stubEnv('TZ', 'Europe/Berlin');
    const sunday = task({ dueDate: '2026-03-22', dueTime: '02:30', repeat: 'FREQ=WEEKLY;BYDAY=SU' });
    expect(projectRepeats([sunday], '2026-03-22', recurrence)).toEqual([
      { task: sunday, date: '2026-03-29', time: '02:30' },
    ]);
  });

  it('an overdue repeating task projects from today on (its own row stays under Overdue)', () => {
    const daily = task({ dueDate: '2026-11-28', repeat: 'FREQ=DAILY' });
    const projected = dates([daily], '2026-12-01');
    expect(projected[0]).toBe('2026-12-01');
    expect(projected).toHaveLength(14);
  });

  it('ignores done and non-repeating tasks, and an occurrence that already exists as its own task', () => {
    const done = task({ dueDate: '2026-12-01', repeat: 'FREQ=DAILY', status: 'done' });
    const once = task({ dueDate: '2026-12-01' });
    const weekly = task({ dueDate: '2026-12-01', repeat: 'FREQ=WEEKLY' });
    const created = task({ id: recurrence.occurrenceId(weekly.id, '2026-12-08'), dueDate: '2026-12-08' });
    expect(dates([done, once], '2026-12-01')).toEqual([]);
    expect(dates([weekly, created], '2026-12-01')).toEqual([]);
  });

  it('stops where the rule ends (COUNT)', () => {
    const three = task({ dueDate: '2026-12-01', repeat: 'FREQ=DAILY;COUNT=3' });
    expect(dates([three], '2026-12-01')).toEqual(['2026-12-02', '2026-12-03']);
  });

  it('is bounded per task and in total, keeping the nearest days', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      task({ id: `d${String(i).padStart(2, '0')}`, dueDate: '2026-12-01', repeat: 'FREQ=DAILY' }),
    );
    const limits = { days: 14, perTask: 5, total: 40 };
    const projected = projectRepeats(many, '2026-12-01', recurrence, limits);
    expect(projected).toHaveLength(40);
    expect(projected.every((p) => p.date <= '2026-12-06')).toBe(true);
    const perTask = new Map<string, number>();
    for (const p of projected) perTask.set(p.task.id, (perTask.get(p.task.id) ?? 0) + 1);
    expect(Math.max(...perTask.values())).toBeLessThanOrEqual(5);
    // The default limits hold too.
    expect(projectRepeats(many, '2026-12-01', recurrence).length).toBeLessThanOrEqual(150);
  });

  it('groupUpcoming puts each projection on its day after that day’s tasks, by time; overdue gets none', () => {
    const today = '2026-12-01';
    const standup = task({ title: 'Standup', dueDate: today, dueTime: '09:30', repeat: 'FREQ=DAILY' });
    const review = task({ title: 'Review', dueDate: '2026-12-02', dueTime: '16:00' });
    const late = task({ title: 'Late', dueDate: '2026-11-30', repeat: 'FREQ=WEEKLY' });
    const tasks = [standup, review, late];
    const groups = groupUpcoming(tasks, today, projectRepeats(tasks, today, recurrence));
    expect(groups[0]).toMatchObject({ key: 'overdue', repeats: [] });
    const tomorrow = groups.find((g) => g.day === '2026-12-02')!;
    expect(tomorrow.tasks.map((t) => t.title)).toEqual(['Review']);
    expect(tomorrow.repeats.map((r) => [r.task.title, r.time])).toEqual([['Standup', '09:30']]);
    expect(groups.find((g) => g.day === '2026-12-07')!.repeats.map((r) => r.task.title)).toEqual(['Standup', 'Late']);
    expect(groups.find((g) => g.day === today)!.repeats).toEqual([]);
  });
});
