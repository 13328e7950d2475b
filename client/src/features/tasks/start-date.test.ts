import { taskSchema, type Task } from '@taskmaster/shared-schema';
import { getQueryMatcher, type FilledMangoQuery, type RxDocumentData, type RxJsonSchema } from 'rxdb/plugins/core';
import { describe, expect, it } from 'vitest';
import { makeTask } from '../../../test/support/test-fixtures';
import { groupUpcoming } from '../upcoming/upcoming';
import { applyStartDates, isNotStarted } from './start-date';
import { inScope, summarizeTasks, viewQuery, type Scope } from './task-query';

const TODAY = '2026-12-01';
const titles = (tasks: readonly Task[]) => tasks.map((t) => t.title);

/** What the view's RxDB query selects (the same matcher RxDB runs on IndexedDB results). */
function selects(scope: Scope, tasks: readonly Task[]): string[] {
  const query = { ...viewQuery({ scope, status: 'all', sort: 'manual', today: TODAY }), skip: 0 };
  const schema = taskSchema as unknown as RxJsonSchema<RxDocumentData<Task>>;
  const matches = getQueryMatcher(schema, query as FilledMangoQuery<Task>) as unknown as (task: Task) => boolean;
  return titles(tasks.filter(matches));
}

describe('start dates: a task is hidden until it starts, as in Things', () => {
  const now = makeTask({ title: 'Now', listId: 'home' });
  const startedToday = makeTask({ title: 'Started today', startDate: TODAY, listId: 'home' });
  const later = makeTask({ title: 'Later', startDate: '2026-12-05', listId: 'home', tags: ['garden'] });
  const laterDueToday = makeTask({ title: 'Later but due today', startDate: '2026-12-03', dueDate: TODAY });
  const done = makeTask({ title: 'Done', status: 'done', startDate: '2026-12-05', listId: 'home' });
  const all = [later, now, startedToday, laterDueToday, done];

  it('a start date after today means not started; today or earlier, none, done, or due by today means actionable', () => {
    expect(all.filter((t) => isNotStarted(t, TODAY)).map((t) => t.title)).toEqual(['Later']);
    const overdue = makeTask({ title: 'Overdue, starts later', startDate: '2026-12-03', dueDate: '2026-11-28' });
    const dueLater = makeTask({ title: 'Due later', startDate: '2026-12-03', dueDate: '2026-12-10' });
    expect([overdue, dueLater].filter((t) => isNotStarted(t, TODAY)).map((t) => t.title)).toEqual(['Due later']);
  });

  it('stays out of All tasks, the Inbox, Today and Overdue, unless it is due', () => {
    for (const kind of ['all', 'inbox', 'today', 'overdue'] as const) {
      const view = applyStartDates(all, { scope: { kind }, today: TODAY, searching: false });
      expect(titles(view)).not.toContain('Later');
      expect(titles(view)).toContain('Later but due today');
    }
    expect(titles(applyStartDates(all, { scope: { kind: 'all' }, today: TODAY, searching: false }))).toEqual([
      'Now',
      'Started today',
      'Later but due today',
      'Done',
    ]);
  });

  it('shows in its list and tag views after the started tasks, before done ones', () => {
    const list = all.filter((t) => t.listId === 'home');
    expect(titles(applyStartDates(list, { scope: { kind: 'list' }, today: TODAY, searching: false }))).toEqual([
      'Now',
      'Started today',
      'Later',
      'Done',
    ]);
    expect(titles(applyStartDates([later], { scope: { kind: 'tag' }, today: TODAY, searching: false }))).toEqual([
      'Later',
    ]);
  });

  it('stays findable by search in every view, placed after the started matches', () => {
    const found = applyStartDates([later, now], { scope: { kind: 'all' }, today: TODAY, searching: true });
    expect(titles(found)).toEqual(['Now', 'Later']);
  });

  it('shows up again once its start day comes', () => {
    expect(titles(applyStartDates(all, { scope: { kind: 'all' }, today: '2026-12-05', searching: false }))).toContain(
      'Later',
    );
  });

  it('returns the same array when no task in the view starts later (memoized rows keep their identity)', () => {
    const view = [now, startedToday, done];
    expect(applyStartDates(view, { scope: { kind: 'all' }, today: TODAY, searching: false })).toBe(view);
  });

  it('Upcoming lists it on its start day, also when it has no due date; its query selects it', () => {
    const noDue = makeTask({ title: 'Starts Friday', startDate: '2026-12-04' });
    const farStart = makeTask({ title: 'Starts in a month', startDate: '2027-01-02' });
    const tasks = [noDue, farStart, laterDueToday];
    expect(selects({ kind: 'upcoming' }, tasks)).toEqual(['Starts Friday', 'Later but due today']);
    expect(tasks.filter((t) => inScope(t, { kind: 'upcoming' }, TODAY)).map((t) => t.title)).toEqual([
      'Starts Friday',
      'Later but due today',
    ]);
    const groups = groupUpcoming(tasks, TODAY);
    expect(groups.find((g) => g.day === '2026-12-04')!.tasks.map((t) => t.title)).toEqual(['Starts Friday']);
    // Due today, so it is on today (its due day), not on its later start day.
    expect(groups.find((g) => g.day === TODAY)!.tasks.map((t) => t.title)).toEqual(['Later but due today']);
    expect(groups.find((g) => g.day === '2026-12-03')?.tasks ?? []).toEqual([]);
    expect(groups.find((g) => g.key === 'overdue')).toBeUndefined();
  });

  it('the sidebar counts it in its list only, like the views show it (and everywhere once it is due)', () => {
    const { counts } = summarizeTasks(all, TODAY);
    expect(counts).toMatchObject({ all: 3, inbox: 1, today: 1, overdue: 0 });
    expect(counts.lists.home).toBe(3);
  });
});
