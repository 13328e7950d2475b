import { mergeDocs, TASK_MERGE_FIELDS, type SyncDoc, type Task } from '@taskmaster/shared-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreConflict } from './conflict-writes.js';
import { createTaskmasterDatabase, type TaskmasterDatabase } from './database.js';
import { getDeviceClock } from './device-clock.js';
import { createTask } from './mutations.js';

let db: TaskmasterDatabase | undefined;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

async function open() {
  db = await createTaskmasterDatabase({
    name: `conflicts-${Math.random().toString(36).slice(2)}`,
    storage: getRxStorageMemory(),
  });
  return { db, clock: await getDeviceClock(db) };
}

const asSyncDoc = (task: Task): SyncDoc<'tasks'> => ({ ...task, _deleted: false });

describe('Restore from the conflict log', () => {
  it('[R4] puts the lost value back and logs the replaced one, exactly as the server then keeps it', async () => {
    const { db, clock } = await open();
    const created = await createTask(db, clock, { title: 'Buy almond milk' });
    // As a pull delivers it: another device's title was logged as lost when this one won.
    const lost = {
      field: 'title',
      lostValue: '"Buy oat milk"',
      lostClock: '0000000a0-0000-other',
      winnerClock: created.clocks.title!,
    };
    const doc = (await db.tasks.findOne(created.id).exec())!;
    await doc.incrementalModify((data) => ({ ...data, conflicts: [lost] }));
    const master = (await db.tasks.findOne(created.id).exec())!.toMutableJSON();

    await restoreConflict(db, clock, created.id, lost, { title: 'Buy oat milk' });
    const restored = (await db.tasks.findOne(created.id).exec())!.toMutableJSON();
    expect(restored.title).toBe('Buy oat milk');
    expect(restored.clocks.title! > master.clocks.title!).toBe(true);
    expect(restored.clocks.notes).toBe(master.clocks.notes);
    expect(restored.conflicts).toEqual([
      {
        field: 'title',
        lostValue: '"Buy almond milk"',
        lostClock: master.clocks.title,
        winnerClock: restored.clocks.title,
      },
    ]);

    // The server merges the push into the master this device started from and keeps the same log.
    const merged = mergeDocs(asSyncDoc(master), asSyncDoc(master), asSyncDoc(restored), TASK_MERGE_FIELDS).doc;
    expect(merged.title).toBe('Buy oat milk');
    expect(merged.conflicts).toEqual(restored.conflicts);
  });
});
