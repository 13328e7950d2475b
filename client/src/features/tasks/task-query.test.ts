import { describe, expect, it } from 'vitest';
import { localDay, matchesSearch, queryTasks, summarizeTasks, type TaskQuery } from './task-query';
import { makeTask } from '../../../test/support/test-fixtures';

const base: TaskQuery = { scope: { kind: 'all' }, status: 'all', sort: 'manual', search: '', today: '2025-03-10' };
const titles = (tasks: { title: string }[]) => tasks.map((t) => t.title);

describe('queryTasks', () => {
  const tasks = [
    makeTask({ title: 'overdue', dueDate: '2025-03-01', priority: 'low', order: 3 }),
    makeTask({ title: 'today', dueDate: '2025-03-10', priority: 'urgent', order: 2, listId: 'work', tags: ['home'] }),
    makeTask({ title: 'later', dueDate: '2025-04-01', priority: 'high', order: 1, tags: ['home', 'errand'] }),
    makeTask({ title: 'done', status: 'done', completedAt: 5, order: 0, dueDate: '2025-03-02' }),
    makeTask({ title: 'undated', order: 4, listId: 'work' }),
  ];

  it('filters by status', () => {
    expect(titles(queryTasks(tasks, { ...base, status: 'active' }))).toEqual(['later', 'today', 'overdue', 'undated']);
    expect(titles(queryTasks(tasks, { ...base, status: 'completed' }))).toEqual(['done']);
  });

  it('keeps completed tasks below open ones in every sort', () => {
    expect(titles(queryTasks(tasks, base)).at(-1)).toBe('done');
  });

  it('scopes to today (including overdue), overdue, inbox, list and tag', () => {
    expect(titles(queryTasks(tasks, { ...base, scope: { kind: 'today' } }))).toEqual(['today', 'overdue']);
    expect(titles(queryTasks(tasks, { ...base, scope: { kind: 'overdue' } }))).toEqual(['overdue']);
    expect(titles(queryTasks(tasks, { ...base, scope: { kind: 'list', listId: 'work' } }))).toEqual([
      'today',
      'undated',
    ]);
    expect(titles(queryTasks(tasks, { ...base, scope: { kind: 'inbox' } }))).toEqual(['later', 'overdue', 'done']);
    expect(titles(queryTasks(tasks, { ...base, scope: { kind: 'tag', tag: 'home' } }))).toEqual(['later', 'today']);
  });

  it('sorts by due date with undated last, and by priority', () => {
    expect(titles(queryTasks(tasks, { ...base, sort: 'due', status: 'active' }))).toEqual([
      'overdue',
      'today',
      'later',
      'undated',
    ]);
    expect(titles(queryTasks(tasks, { ...base, sort: 'priority', status: 'active' }))).toEqual([
      'today',
      'later',
      'overdue',
      'undated',
    ]);
  });
});

describe('matchesSearch', () => {
  const task = makeTask({ title: 'Buy Milk', notes: 'the oat one', tags: ['groceries'] });
  it('matches every term case-insensitively across title, notes and tags', () => {
    expect(matchesSearch(task, 'milk OAT')).toBe(true);
    expect(matchesSearch(task, 'milk bread')).toBe(false);
    expect(matchesSearch(task, 'grocer')).toBe(true);
  });
  it('matches #tag by prefix against tags only', () => {
    expect(matchesSearch(task, '#groc')).toBe(true);
    expect(matchesSearch(task, '#milk')).toBe(false);
  });
});

describe('helpers', () => {
  const tagsOf = (tasks: Parameters<typeof summarizeTasks>[0]) => summarizeTasks(tasks, '2025-01-05').tags;
  it('formats the local day', () => {
    expect(localDay(new Date(2025, 0, 5, 23, 59))).toBe('2025-01-05');
  });
  it('collects tags by use', () => {
    expect(tagsOf([makeTask({ tags: ['a', 'b'] }), makeTask({ tags: ['b'] })])).toEqual([
      { tag: 'b', count: 2 },
      { tag: 'a', count: 1 },
    ]);
  });
  it('counts open tasks per tag, like the other sidebar counts, and keeps a tag whose tasks are all done', () => {
    const done = { status: 'done' as const, completedAt: 1 };
    expect(
      tagsOf([makeTask({ tags: ['a', 'b'] }), makeTask({ tags: ['b'], ...done }), makeTask({ tags: ['c'], ...done })]),
    ).toEqual([
      { tag: 'a', count: 1 },
      { tag: 'b', count: 1 },
      { tag: 'c', count: 0 },
    ]);
  });
});
