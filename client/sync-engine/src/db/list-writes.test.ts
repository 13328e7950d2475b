import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskmasterDatabase, type TaskmasterDatabase } from './database.js';
import { getDeviceClock } from './device-clock.js';
import { deleteListToInbox, undoDeleteList } from './list-writes.js';
import { createList, createTask, updateTask } from './mutations.js';

let db: TaskmasterDatabase | undefined;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

async function open() {
  db = await createTaskmasterDatabase({
    name: `lists-${Math.random().toString(36).slice(2)}`,
    storage: getRxStorageMemory(),
  });
  return { db, clock: await getDeviceClock(db) };
}

describe('deleting a list', () => {
  it('[R4] moves its tasks to the Inbox, stamping only listId, and undo puts everything back', async () => {
    const { db, clock } = await open();
    const list = await createList(db, clock, { name: 'Home' });
    const a = await createTask(db, clock, { title: 'Sweep', listId: list.id });
    const b = await createTask(db, clock, { title: 'Dust', listId: list.id });
    const other = await createTask(db, clock, { title: 'Elsewhere' });
    const before = (await db.tasks.findOne(a.id).exec())!.toJSON();

    const deleted = await deleteListToInbox(db, clock, list.id);
    expect(deleted.moved.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(await db.lists.findOne(list.id).exec()).toBeNull();
    const moved = (await db.tasks.findOne(a.id).exec())!.toJSON();
    expect(moved.listId).toBe('');
    expect(moved.clocks.listId! > before.clocks.listId!).toBe(true);
    expect(moved.clocks.title).toBe(before.clocks.title);
    expect((await db.tasks.findOne(other.id).exec())!.listId).toBe('');

    // Someone moves one task on meanwhile: undo leaves that one where it is.
    const work = await createList(db, clock, { name: 'Work' });
    await updateTask(db, clock, b.id, { listId: work.id });
    await undoDeleteList(db, clock, deleted);
    expect((await db.lists.findOne(list.id).exec())?.name).toBe('Home');
    expect((await db.tasks.findOne(a.id).exec())!.listId).toBe(list.id);
    expect((await db.tasks.findOne(b.id).exec())!.listId).toBe(work.id);
  });
});
