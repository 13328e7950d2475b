import type { Task } from '@taskmaster/shared-schema';
import { describe, expect, it } from 'vitest';
import { groupUpcoming, UPCOMING_DAYS } from './upcoming';

let n = 0;
const task = (patch: Partial<Task>): Task => ({
  id: `t${++n}`,
  title: 'Task',
  notes: '',
  status: 'todo',
  priority: 'none',
  dueDate: '',
  dueTime: '',
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

describe('Upcoming', () => {
  it('puts overdue on top, then the next 14 days (empty ones too), sorted by time then priority', () => {
    const today = '2026-12-01';
    const tasks = [
      task({ title: 'late', dueDate: '2026-11-28' }),
      task({ title: 'later today', dueDate: today, dueTime: '15:00' }),
      task({ title: 'all day urgent', dueDate: today, priority: 'urgent' }),
      task({ title: 'early today', dueDate: today, dueTime: '08:30' }),
      task({ title: 'in two weeks', dueDate: '2026-12-14' }),
      task({ title: 'too far', dueDate: '2026-12-15' }),
      task({ title: 'done', dueDate: today, status: 'done' }),
      task({ title: 'undated' }),
    ];
    const groups = groupUpcoming(tasks, today);
    expect(groups[0]).toMatchObject({ key: 'overdue', tasks: [expect.objectContaining({ title: 'late' })] });
    expect(groups).toHaveLength(1 + UPCOMING_DAYS);
    expect(groups[1]!.day).toBe(today);
    expect(groups[1]!.tasks.map((t) => t.title)).toEqual(['early today', 'later today', 'all day urgent']);
    expect(groups.at(-1)!.day).toBe('2026-12-14');
    expect(groups.at(-1)!.tasks.map((t) => t.title)).toEqual(['in two weeks']);
    expect(groups.flatMap((g) => g.tasks).map((t) => t.title)).not.toContain('too far');
  });
});
