import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskmasterDatabase, type TaskmasterDatabase } from './database.js';
import { getDeviceClock } from './device-clock.js';
import { createTask, updateTask } from './mutations.js';
import { occurrenceId } from './recurrence.js';
import { completeOccurrence, skipOccurrence } from './repeat-writes.js';
import { addSubtask, removeSubtask, subtaskProgress, updateSubtask, visibleSubtasks } from './subtask-writes.js';

let db: TaskmasterDatabase | undefined;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

async function open() {
  db = await createTaskmasterDatabase({
    name: `depth-${Math.random().toString(36).slice(2)}`,
    storage: getRxStorageMemory(),
  });
  return { db, clock: await getDeviceClock(db) };
}

describe('repeating tasks', () => {
  it('completing one (through updateTask, as every checkbox does) keeps it done and creates the next occurrence', async () => {
    const { db, clock } = await open();
    const task = await createTask(db, clock, {
      title: 'Bins',
      dueDate: '2026-12-07',
      dueTime: '07:30',
      repeat: 'FREQ=WEEKLY;BYDAY=MO',
      startDate: '2026-12-06',
      reminder: 'before:15',
    });
    const sub = await addSubtask(db, clock, task.id, 'Recycling');
    await updateSubtask(db, clock, task.id, sub, { done: true });
    const stamps = Object.values((await db.tasks.findOne(task.id).exec())!.toJSON().clocks as Record<string, string>);
    await updateTask(db, clock, task.id, { status: 'done' });

    const done = (await db.tasks.findOne(task.id).exec())!.toJSON();
    expect(done).toMatchObject({ status: 'done', repeat: '', dueDate: '2026-12-07' });
    expect(done.completedAt).toBeGreaterThan(0);
    const next = (await db.tasks.findOne(occurrenceId(task.id, '2026-12-14')).exec())!.toJSON();
    expect(next).toMatchObject({
      title: 'Bins',
      status: 'todo',
      dueDate: '2026-12-14',
      dueTime: '07:30',
      startDate: '2026-12-13',
      repeat: 'FREQ=WEEKLY;BYDAY=MO',
      reminder: 'before:15',
      reminderFiredAt: 0,
    });
    expect(visibleSubtasks(next).map((s) => [s.title, s.done])).toEqual([['Recycling', false]]);
    // Every clock of the new task is the newest clock the completed one had: the same on any device.
    expect(new Set(Object.values(next.clocks))).toEqual(new Set([stamps.sort().at(-1)]));

    // Completing that occurrence again creates nothing new.
    await updateTask(db, clock, task.id, { status: 'todo' });
    expect((await completeOccurrence(db, clock, task.id)).nextId).toBeNull();
    expect(await db.tasks.count().exec()).toBe(2);
  });

  it('skip moves the task to its next occurrence; a task whose rule ended is only completed', async () => {
    const { db, clock } = await open();
    const task = await createTask(db, clock, {
      title: 'Standup',
      dueDate: '2026-12-04',
      repeat: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    });
    expect(await skipOccurrence(db, clock, task.id)).toBe('2026-12-07');
    expect((await db.tasks.findOne(task.id).exec())!.dueDate).toBe('2026-12-07');

    const last = await createTask(db, clock, {
      title: 'Once more',
      dueDate: '2026-12-01',
      repeat: 'FREQ=DAILY;COUNT=1',
    });
    expect(await completeOccurrence(db, clock, last.id)).toEqual({ nextId: null, nextDueDate: null });
    expect((await db.tasks.findOne(last.id).exec())!.status).toBe('done');
  });
});

describe('subtasks', () => {
  it('[R4] stamps only the parts a write changes, and removal is a tombstone', async () => {
    const { db, clock } = await open();
    const task = await createTask(db, clock, { title: 'Trip' });
    const a = await addSubtask(db, clock, task.id, 'Passport');
    const b = await addSubtask(db, clock, task.id, 'Tickets');
    const before = (await db.tasks.findOne(task.id).exec())!.toJSON().clocks as Record<string, string>;
    expect(
      Object.keys(before)
        .filter((k) => k.startsWith(`subtasks.${a}.`))
        .sort(),
    ).toEqual(['done', 'order', 'removed', 'title'].map((p) => `subtasks.${a}.${p}`));
    await updateSubtask(db, clock, task.id, a, { done: true });
    const after = (await db.tasks.findOne(task.id).exec())!.toJSON();
    const clocks = after.clocks as Record<string, string>;
    expect(clocks[`subtasks.${a}.done`]! > before[`subtasks.${a}.done`]!).toBe(true);
    expect(clocks[`subtasks.${a}.title`]).toBe(before[`subtasks.${a}.title`]);
    expect(clocks.title).toBe(before.title);
    expect(subtaskProgress(after)).toEqual({ done: 1, total: 2 });

    await removeSubtask(db, clock, task.id, b);
    const removed = (await db.tasks.findOne(task.id).exec())!.toJSON();
    expect(removed.subtasks![b]!.removed).toBe(true);
    expect(visibleSubtasks(removed).map((s) => s.title)).toEqual(['Passport']);
  });
});
