import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '@taskmaster/shared-schema';
import { createTaskmasterDatabase, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { makeTask } from '../../test/support/test-fixtures';
import type { TaskQuery } from '../features/tasks/task-query';
import { useCollections, useTaskView } from './use-collections';

let db: TaskmasterDatabase | undefined;
afterEach(async () => {
  cleanup();
  await db?.close();
  db = undefined;
});

async function open(tasks: Task[]): Promise<TaskmasterDatabase> {
  db = await createTaskmasterDatabase({ name: `collections-${Date.now()}`, storage: getRxStorageMemory() });
  await db.tasks.bulkInsert(tasks);
  return db;
}

const query = (overrides: Partial<TaskQuery> = {}): TaskQuery => ({
  scope: { kind: 'all' },
  status: 'all',
  sort: 'manual',
  search: '',
  today: '2025-03-10',
  ...overrides,
});

describe('useCollections', () => {
  it('hands out frozen task objects and keeps unchanged tasks identical across emissions (no clone per emission)', async () => {
    const database = await open([makeTask({ id: 'a', title: 'A' }), makeTask({ id: 'b', title: 'B' })]);
    const { result } = renderHook(() => useCollections(database));
    await waitFor(() => expect(result.current.tasks).toHaveLength(2));
    const before = new Map(result.current.tasks.map((t) => [t.id, t]));
    expect(Object.isFrozen(before.get('a'))).toBe(true);
    expect(Object.keys(before.get('a')!).some((key) => key.startsWith('_'))).toBe(false);

    await act(async () => {
      await database.tasks.findOne('b').patch({ title: 'B2' });
    });
    await waitFor(() => expect(result.current.tasks.find((t) => t.id === 'b')?.title).toBe('B2'));
    expect(result.current.tasks.find((t) => t.id === 'a')).toBe(before.get('a'));
    expect(result.current.tasks.find((t) => t.id === 'b')).not.toBe(before.get('b'));
  });
});

describe('useTaskView', () => {
  it('follows writes through the view query, in display order, and never shows the previous view', async () => {
    const database = await open([
      makeTask({ id: 'w1', title: 'Work 1', listId: 'work', order: 2 }),
      makeTask({ id: 'w2', title: 'Work done', listId: 'work', order: 1, status: 'done', completedAt: 1 }),
      makeTask({ id: 'h1', title: 'Home 1', listId: 'home', order: 3 }),
    ]);
    const all = renderHook(() => useCollections(database));
    await waitFor(() => expect(all.result.current.ready).toBe(true));
    const { result, rerender } = renderHook(
      ({ q }) => useTaskView(all.result.current.store, q, all.result.current.tasks),
      {
        initialProps: { q: query({ scope: { kind: 'list', listId: 'work' } }) },
      },
    );
    await waitFor(() => expect(result.current.map((t) => t.id)).toEqual(['w1', 'w2']));

    await act(async () => {
      await database.tasks.insert(makeTask({ id: 'w0', title: 'Work new', listId: 'work', order: 0 }));
    });
    await waitFor(() => expect(result.current.map((t) => t.id)).toEqual(['w0', 'w1', 'w2']));

    // Switching views: the very first render of the new view already shows its tasks.
    rerender({ q: query({ scope: { kind: 'list', listId: 'home' } }) });
    expect(result.current.map((t) => t.id)).toEqual(['h1']);

    rerender({ q: query({ scope: { kind: 'list', listId: 'home' }, search: 'nothing' }) });
    expect(result.current).toEqual([]);
  });
});
