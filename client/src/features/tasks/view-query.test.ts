import { Prng } from '@taskmaster/shared-schema/testing';
import { TASK_PRIORITIES, TASK_STATUSES, taskSchema, type Task } from '@taskmaster/shared-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMangoSelector, createTaskmasterDatabase, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { getQueryMatcher, type FilledMangoQuery, type RxJsonSchema } from 'rxdb/plugins/core';
import { makeTask } from '../../../test/support/test-fixtures';
import {
  displayOrder,
  queryTasks,
  viewMatcher,
  viewQuery,
  type Scope,
  type SortKey,
  type StatusFilter,
} from './task-query';
import { ViewIndex } from './view-index';

const TODAY = '2025-03-10';
const DAYS = ['', '', '2025-03-01', '2025-03-09', TODAY, TODAY, '2025-03-11', '2025-04-01'];

/** Seeded tasks with many ties (same order, same due day, same priority), so every tie-break counts. */
function randomTasks(seed: number, count: number): Task[] {
  const prng = new Prng(seed);
  const pick = <T>(items: readonly T[]): T => items[prng.int(0, items.length - 1)]!;
  return Array.from({ length: count }, (_, i) => {
    const status = pick(TASK_STATUSES);
    return makeTask({
      id: `${pick(['a', 'B', 'c', '_', '-', '9'])}${i.toString(36)}`,
      status,
      completedAt: status === 'done' ? 1 : 0,
      priority: pick(TASK_PRIORITIES),
      dueDate: pick(DAYS),
      listId: pick(['', 'work', 'home']),
      tags: pick([[], ['home'], ['errand', 'home'], ['errand']]),
      order: prng.int(-3, 3),
      createdAt: 1_700_000_000_000 + prng.int(0, 2),
    });
  });
}

const SCOPES: Scope[] = [
  { kind: 'all' },
  { kind: 'today' },
  { kind: 'overdue' },
  { kind: 'inbox' },
  { kind: 'list', listId: 'work' },
  { kind: 'tag', tag: 'home' },
];
const STATUSES: StatusFilter[] = ['all', 'active', 'completed'];
const SORTS: SortKey[] = ['manual', 'due', 'priority'];

describe('the view query (the database and the in-memory views select alike; displayOrder orders like queryTasks)', () => {
  let db: TaskmasterDatabase;
  const tasks = randomTasks(20261201, 300);

  beforeAll(async () => {
    db = await createTaskmasterDatabase({ name: `view-query-${Date.now()}`, storage: getRxStorageMemory() });
    await db.tasks.bulkInsert(tasks);
  });
  afterAll(async () => {
    await db.close();
  });

  for (const scope of SCOPES)
    for (const status of STATUSES)
      for (const sort of SORTS)
        it(`matches queryTasks and the database for ${scope.kind}, ${status}, ${sort} (seed 20261201)`, async () => {
          const view = { scope, status, sort, today: TODAY };
          const inMemory = new ViewIndex(viewMatcher(view), displayOrder(sort), tasks).rows.map((t) => t.id);
          const expected = queryTasks(tasks, { ...view, search: '' }).map((t) => t.id);
          expect(inMemory).toEqual(expected);
          // The database's own answer to the query: the same tasks (its order is the stored keys only).
          const docs = await db.tasks.find(viewQuery(view)).exec();
          expect(docs.map((doc) => doc.id).sort()).toEqual([...expected].sort());
        });

  it('selects the same tasks with the browser build’s matcher as with RxDB’s mingo, for every view', () => {
    const schema = taskSchema as unknown as RxJsonSchema<never>;
    for (const scope of [...SCOPES, { kind: 'upcoming' } as const])
      for (const status of STATUSES)
        for (const sort of SORTS) {
          const query = { ...viewQuery({ scope, status, sort, today: TODAY }), skip: 0 };
          const mingo = getQueryMatcher(schema, query as unknown as FilledMangoQuery<never>) as (t: Task) => boolean;
          const ours = compileMangoSelector(query.selector);
          expect(tasks.filter((t) => ours.test(t)).map((t) => t.id)).toEqual(tasks.filter(mingo).map((t) => t.id));
        }
  });
});
