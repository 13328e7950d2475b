import { Prng } from '@taskmaster/shared-schema/testing';
import { TASK_PRIORITIES, TASK_STATUSES, type Task } from '@taskmaster/shared-schema';
import { describe, expect, it } from 'vitest';
import { makeTask } from '../../../test/support/test-fixtures';
import {
  displayOrder,
  queryTasks,
  summarizeTasks,
  TaskTally,
  viewMatcher,
  type Scope,
  type SortKey,
  type StatusFilter,
} from './task-query';
import { ViewIndex, type TaskChange } from './view-index';

const TODAY = '2025-03-10';
const DAYS = ['', '', '2025-03-01', '2025-03-09', TODAY, '2025-03-11', '2025-04-01'];

/** A seeded task with many ties (order, due day, priority), so every tie-break is exercised. */
function randomTask(prng: Prng, id: string): Task {
  const pick = <T>(items: readonly T[]): T => items[prng.int(0, items.length - 1)]!;
  const status = pick(TASK_STATUSES);
  return makeTask({
    id,
    status,
    completedAt: status === 'done' ? 1 : 0,
    priority: pick(TASK_PRIORITIES),
    dueDate: pick(DAYS),
    startDate: pick(['', '', '2025-03-05', '2025-03-12']),
    listId: pick(['', 'work', 'home']),
    tags: pick([[], ['home'], ['errand', 'home'], ['errand']]),
    order: prng.int(-3, 3) + prng.int(0, 1) / 2,
    createdAt: 1_700_000_000_000 + prng.int(0, 2),
    reminder: pick(['', '', '', 'at:2025-03-10T09:00']),
    conflicts: prng.int(0, 9) === 0 ? [{ field: 'title', value: 'x', clock: 'c', node: 'n', at: 1 }] : [],
  } as Partial<Task>);
}

/** A seeded run of bulks over `size` ids: inserts, edits, deletes and re-inserts, 1 to `maxBulk` per bulk. */
function* randomBulks(seed: number, size: number, bulks: number, maxBulk: number) {
  const prng = new Prng(seed);
  const current = new Map<string, Task>();
  for (let b = 0; b < bulks; b += 1) {
    const changes: TaskChange[] = [];
    const count = prng.int(1, maxBulk);
    for (let c = 0; c < count; c += 1) {
      const id = `${['a', 'B', '_', '9'][prng.int(0, 3)]}${prng.int(0, size - 1).toString(36)}`;
      const before = current.get(id);
      const after = before && prng.int(0, 4) === 0 ? undefined : randomTask(prng, id);
      if (after) current.set(id, after);
      else current.delete(id);
      if (before || after) changes.push({ before, after });
    }
    yield { changes, tasks: [...current.values()] };
  }
}

const VIEWS: { scope: Scope; status: StatusFilter; sort: SortKey }[] = [
  { scope: { kind: 'all' }, status: 'all', sort: 'manual' },
  { scope: { kind: 'today' }, status: 'active', sort: 'due' },
  { scope: { kind: 'list', listId: 'work' }, status: 'all', sort: 'priority' },
  { scope: { kind: 'tag', tag: 'home' }, status: 'completed', sort: 'due' },
  { scope: { kind: 'upcoming' }, status: 'all', sort: 'due' },
];

describe('ViewIndex: a view kept per change is the view computed afresh', () => {
  for (const view of VIEWS)
    for (const seed of [1, 2, 3])
      it(`${view.scope.kind}, ${view.status}, ${view.sort}, seed ${seed}: after every bulk`, () => {
        const index = new ViewIndex(viewMatcher({ ...view, today: TODAY }), displayOrder(view.sort), []);
        let bulks = 0;
        // Small bulks splice; the odd large one (over 64 changes) rebuilds.
        for (const { changes, tasks } of randomBulks(seed, 60, 300, seed === 3 ? 90 : 4)) {
          const before = index.rows;
          const changed = index.apply(changes);
          const expected = queryTasks(tasks, { ...view, today: TODAY, search: '' });
          expect(index.rows.map((t) => t.id)).toEqual(expected.map((t) => t.id));
          // Unchanged means the very same array (memoized rows keep it); changed, a new one.
          if (changed) expect(index.rows).not.toBe(before);
          else expect(index.rows).toBe(before);
          bulks += 1;
        }
        expect(bulks).toBe(300);
      });

  it('finds a version it holds even when its sort keys tie with others (same order, due day and priority)', () => {
    const tied = Array.from({ length: 20 }, (_, i) =>
      makeTask({ id: `t${String(i).padStart(2, '0')}`, order: 1, createdAt: 5 }),
    );
    const index = new ViewIndex(() => true, displayOrder('manual'), tied);
    const edited = { ...tied[7]!, title: 'edited' };
    expect(index.apply([{ before: tied[7], after: edited }])).toBe(true);
    expect(index.rows).toHaveLength(20);
    expect(index.rows[7]).toBe(edited);
    expect(index.apply([{ before: edited, after: undefined }])).toBe(true);
    expect(index.rows.map((t) => t.id)).not.toContain('t07');
  });
});

describe('TaskTally: counts kept per change are the counts computed afresh', () => {
  for (const seed of [11, 12])
    it(`seed ${seed}: after every bulk, with tags that come and go`, () => {
      const tally = new TaskTally(TODAY);
      for (const { changes, tasks } of randomBulks(seed, 40, 300, 5)) {
        const previous = tally.summary();
        for (const { before, after } of changes) {
          if (before) tally.add(before, -1);
          if (after) tally.add(after, 1);
        }
        expect(tally.summary()).toEqual(summarizeTasks(tasks, TODAY));
        expect(tally.summary()).toBe(tally.summary());
        if (changes.length > 0) expect(tally.summary()).not.toBe(previous);
      }
    });

  it('drops a tag with its last task, keeps a tag whose tasks are all done (count 0), and a list count at 0 goes', () => {
    const tally = new TaskTally(TODAY);
    const solo = makeTask({ tags: ['solo'], listId: 'work' });
    const done = makeTask({ tags: ['kept'], status: 'done', completedAt: 1 });
    tally.add(solo, 1);
    tally.add(done, 1);
    expect(tally.summary().tags).toEqual([
      { tag: 'solo', count: 1 },
      { tag: 'kept', count: 0 },
    ]);
    expect(tally.summary().counts.lists).toEqual({ work: 1 });
    tally.add(solo, -1);
    expect(tally.summary().tags).toEqual([{ tag: 'kept', count: 0 }]);
    expect(tally.summary().counts.lists).toEqual({});
  });
});
