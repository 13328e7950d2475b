import { decodeHlc, encodeHlc, HybridLogicalClock } from '@taskmaster/shared-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTask,
  createTaskmasterDatabase,
  deleteTask,
  getDeviceClock,
  updateTask,
  type TaskmasterDatabase,
} from '../src/db/index.js';

let db: TaskmasterDatabase | undefined;
let counter = 0;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

const open = async () =>
  (db = await createTaskmasterDatabase({
    name: `clock-test-${Date.now()}-${counter++}`,
    storage: getRxStorageMemory(),
  }));

describe('device clock', () => {
  it('[R8] takes an injected wall clock, and keeps its node id across opens of the clock', async () => {
    const database = await open();
    const clock = await getDeviceClock(database, { wallClock: () => Date.UTC(2036, 0, 1) });
    expect(decodeHlc(clock.now()).ms).toBe(Date.UTC(2036, 0, 1));
    expect((await getDeviceClock(database)).node).toBe(clock.node);
  });

  it('[R4] an edit on a clock that is behind still sorts after the state it was made on', async () => {
    const database = await open();
    const ahead = Date.now() + 60 * 60 * 1000;
    // Another device, an hour ahead (within what the server accepts), wrote the task ...
    const other = new HybridLogicalClock('other', () => ahead);
    const task = await createTask(database, other, { id: 't1', title: 'From the device ahead' });
    // ... and this device, restarted offline with a clock ten years behind, edits and deletes it.
    const slow = new HybridLogicalClock('slow', () => Date.now() - 10 * 365 * 24 * 60 * 60 * 1000);
    await updateTask(database, slow, 't1', { title: 'Edited here' });
    const edited = (await database.tasks.findOne('t1').exec())!.toMutableJSON();
    expect(edited.clocks.title! > task.clocks.title!).toBe(true);
    await deleteTask(database, slow, 't1');
    const [stored] = await database.tasks.storageInstance.findDocumentsById(['t1'], true);
    expect(stored!.clocks.deleted! > task.clocks.deleted!).toBe(true);
    expect(stored!.clocks.deleted! > encodeHlc({ ms: ahead, counter: 0 }, 'other')).toBe(true);
  });
});
