import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTaskmasterDatabase, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { makeTask } from '../../test/support/test-fixtures';
import { queryTasks } from '../features/tasks/task-query';
import { changeCount, watchChanges } from './first-screen';
import { LiveSummary, LiveView, TaskStore } from './task-store';

let db: TaskmasterDatabase | undefined;
let store: TaskStore | undefined;
afterEach(async () => {
  store?.close();
  store = undefined;
  await db?.close();
  db = undefined;
});

let counter = 0;
async function open(): Promise<TaskmasterDatabase> {
  counter += 1;
  db = await createTaskmasterDatabase({ name: `store-${Date.now()}-${counter}`, storage: getRxStorageMemory() });
  return db;
}

const ids = (tasks: readonly { id: string }[]) => tasks.map((t) => t.id);
const TODAY = '2025-03-10';

describe('TaskStore', () => {
  it('holds every task as the database has it after inserts, edits, deletes and a bulk write', async () => {
    const database = await open();
    await database.tasks.bulkInsert([makeTask({ id: 'a', order: 2 }), makeTask({ id: 'b', order: 1 })]);
    store = await TaskStore.open(database);
    expect(ids(store.all)).toEqual(['b', 'a']);
    expect(Object.isFrozen(store.get('a'))).toBe(true);

    const seen: number[] = [];
    store.subscribe((changes) => seen.push(changes.length));
    const untouched = store.get('b');
    await database.tasks.insert(makeTask({ id: 'c', order: 0 }));
    await database.tasks.findOne('a').patch({ status: 'done', completedAt: 1 });
    await database.tasks.findOne('c').remove();
    await database.tasks.bulkInsert(Array.from({ length: 100 }, (_, i) => makeTask({ id: `n${i}`, order: 10 + i })));

    const stored = (await database.tasks.find().exec()).map((doc) => doc.toJSON());
    expect(ids(store.all)).toEqual(
      ids(
        queryTasks(stored as never, { scope: { kind: 'all' }, status: 'all', sort: 'manual', search: '', today: '' }),
      ),
    );
    expect(store.get('a')?.status).toBe('done');
    expect(store.get('c')).toBeUndefined();
    // An unchanged task keeps its object: memoized rows skip re-rendering.
    expect(store.get('b')).toBe(untouched);
    expect(seen).toEqual([1, 1, 1, 100]);
  });

  it('applies a change that lands while it reads every task, which the read does not have', async () => {
    const database = await open();
    await database.tasks.bulkInsert(Array.from({ length: 20 }, (_, i) => makeTask({ id: `t${i}`, order: i })));
    const find = database.tasks.find.bind(database.tasks);
    // The read answers with the state before these writes, and returns only after they are committed.
    vi.spyOn(database.tasks, 'find').mockImplementationOnce(((query: never) => ({
      exec: async () => {
        const docs = await find(query).exec();
        await database.tasks.insert(makeTask({ id: 'late', order: -1 }));
        await database.tasks.findOne('t5').patch({ title: 'edited during the read' });
        return docs;
      },
    })) as never);
    store = await TaskStore.open(database);
    expect(store.all[0]?.id).toBe('late');
    expect(store.get('t5')?.title).toBe('edited during the read');
    expect(store.all).toHaveLength(21);
  });

  it('counts a change to lists as a change seen, so the views reflect it (first-screen.ts)', async () => {
    const database = await open();
    const stop = watchChanges(database, 'user-1');
    try {
      store = await TaskStore.open(database);
      const view = new LiveView(store, { scope: { kind: 'all' }, status: 'all', sort: 'manual', today: TODAY });
      // As React does: read during the render, subscribe after its commit.
      const rows = view.snapshot().rows;
      let notified = 0;
      const unsubscribe = view.subscribe(() => (notified += 1));
      await database.lists.insert({
        id: 'l1',
        name: 'Work',
        color: '',
        order: 1,
        archived: false,
        createdAt: 1,
        updatedAt: 1,
        clocks: {},
      } as never);
      expect(store.seenAt).toBe(changeCount());
      expect(view.snapshot().seenAt).toBe(changeCount());
      // Same rows (nothing about tasks changed), one more change reflected.
      expect(view.snapshot().rows).toBe(rows);
      expect(notified).toBe(1);
      unsubscribe();
    } finally {
      stop();
    }
  });

  it('a view or summary read before a change and subscribed after it catches up', async () => {
    const database = await open();
    await database.tasks.insert(makeTask({ id: 'a', listId: 'work', tags: ['x'] }));
    store = await TaskStore.open(database);
    const view = new LiveView(store, {
      scope: { kind: 'list', listId: 'work' },
      status: 'all',
      sort: 'manual',
      today: TODAY,
    });
    const summary = new LiveSummary(store, TODAY);
    expect(ids(view.snapshot().rows)).toEqual(['a']);
    expect(summary.snapshot().counts.lists).toEqual({ work: 1 });
    // As between a render and its commit: a change arrives before the subscription.
    await database.tasks.insert(makeTask({ id: 'b', listId: 'work', tags: ['x'] }));
    let notified = 0;
    const stopView = view.subscribe(() => (notified += 1));
    const stopSummary = summary.subscribe(() => (notified += 1));
    expect(ids(view.snapshot().rows).sort()).toEqual(['a', 'b']);
    expect(summary.snapshot().counts.lists).toEqual({ work: 2 });
    expect(notified).toBe(2);
    await database.tasks.findOne('a').remove();
    expect(ids(view.snapshot().rows)).toEqual(['b']);
    expect(summary.snapshot().tags).toEqual([{ tag: 'x', count: 1 }]);
    stopView();
    stopSummary();
  });
});
