import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskmasterDatabase, type TaskmasterDatabase } from './database.js';
import { getDeviceClock } from './device-clock.js';
import { importDocuments, IMPORT_CHUNK } from './import-writes.js';
import { createTask, deleteTask } from './mutations.js';
import { pendingCount$ } from './pending.js';

let db: TaskmasterDatabase | undefined;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

async function open() {
  db = await createTaskmasterDatabase({
    name: `import-${Math.random().toString(36).slice(2)}`,
    storage: getRxStorageMemory(),
  });
  return { db, clock: await getDeviceClock(db) };
}

describe('importDocuments', () => {
  it('[R4] stores imported tasks and lists with a fresh clock on every field, subtask part and tombstone, and marks them pending', async () => {
    const { db, clock } = await open();
    const outcome = await importDocuments(db, clock, {
      lists: [{ id: 'home', name: 'Home', color: '#22aa66', order: 1, archived: false, createdAt: 5 }],
      tasks: [
        {
          id: 'roof',
          title: 'Fix the roof',
          listId: 'home',
          priority: 'urgent',
          tags: ['house'],
          subtasks: { s1: { title: 'Ladder', done: true, order: 1, removed: false } },
          notAField: 'dropped',
        },
        { title: 'No id given' },
      ],
    });
    expect(outcome.lists.imported).toEqual(['home']);
    expect(outcome.tasks.imported).toHaveLength(2);
    const roof = (await db.tasks.findOne('roof').exec())!.toJSON();
    expect(roof).toMatchObject({
      title: 'Fix the roof',
      listId: 'home',
      priority: 'urgent',
      status: 'todo',
      notes: '',
    });
    expect(roof).not.toHaveProperty('notAField');
    expect(roof.clocks.title).toBeTruthy();
    expect(roof.clocks.deleted).toBe(roof.clocks.title);
    expect(roof.clocks['subtasks.s1.done' as keyof typeof roof.clocks]).toBe(roof.clocks.title);
    expect(roof.conflicts).toEqual([]);
    await expect(firstValueFrom(pendingCount$(db).pipe(filter((n) => n === 3)))).resolves.toBe(3);
  });

  it('skips ids that are already here, live or deleted, and ids repeated in the file, as duplicates', async () => {
    const { db, clock } = await open();
    const live = await createTask(db, clock, { title: 'Live' });
    const gone = await createTask(db, clock, { title: 'Gone' });
    await deleteTask(db, clock, gone.id);
    const outcome = await importDocuments(db, clock, {
      lists: [],
      tasks: [
        { id: live.id, title: 'Live again' },
        { id: gone.id, title: 'Gone again' },
        { id: 'twice', title: 'First' },
        { id: 'twice', title: 'Second' },
      ],
    });
    expect(outcome.tasks.imported).toEqual(['twice']);
    expect(outcome.tasks.duplicates).toEqual([live.id, gone.id, 'twice']);
    expect((await db.tasks.findOne(live.id).exec())!.title).toBe('Live');
    expect((await db.tasks.findOne('twice').exec())!.title).toBe('First');
  });

  it('reports progress after every chunk, ending at the total', async () => {
    const { db, clock } = await open();
    const count = IMPORT_CHUNK * 2 + 10;
    const progress: number[] = [];
    await importDocuments(
      db,
      clock,
      { lists: [], tasks: Array.from({ length: count }, (_, i) => ({ id: `t${i}`, title: `Task ${i}` })) },
      (done, total) => {
        expect(total).toBe(count);
        progress.push(done);
      },
    );
    expect(progress).toEqual([IMPORT_CHUNK, IMPORT_CHUNK * 2, count, count]);
    expect(await db.tasks.count().exec()).toBe(count);
  });
});
