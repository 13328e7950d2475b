import {
  addSubtask,
  createTask,
  removeSubtask,
  updateSubtask,
  updateTask,
  visibleSubtasks,
} from '@taskmaster/sync-client';
import { occurrenceId } from '@taskmaster/sync-client/recurrence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('[R4] task depth through the sync engine: repeats and subtasks on two devices', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  async function pairWith(create: (a: Device) => Promise<string>): Promise<[Device, Device, string]> {
    const [a, b] = (await onlineDevices(server.url, await registerAccount(server.url), ['a', 'b'])) as [Device, Device];
    devices.push(a, b);
    const id = await create(a);
    await expect.poll(async () => (await b.db.tasks.findOne(id).exec()) !== null, { timeout: 10_000 }).toBe(true);
    await a.sync!.awaitInSync();
    await b.sync!.awaitInSync();
    await a.disconnect();
    await b.disconnect();
    return [a, b, id];
  }

  it('[R4] two devices completing the same occurrence offline produce ONE next occurrence after sync', async () => {
    const [a, b, id] = await pairWith(async (a) => {
      const task = await createTask(a.db, a.clock, {
        title: 'Water plants',
        dueDate: '2026-12-01',
        repeat: 'FREQ=DAILY;INTERVAL=3',
        notes: 'the big ones too',
      });
      return task.id;
    });
    await updateTask(a.db, a.clock, id, { status: 'done' });
    await updateTask(b.db, b.clock, id, { status: 'done' });
    await a.reconnect();
    await b.reconnect();
    await a.sync!.awaitInSync();
    await b.sync!.awaitInSync();

    const nextId = occurrenceId(id, '2026-12-04');
    const userId = a.session.user!.id;
    await expect
      .poll(
        async () => {
          const views = await Promise.all([a.tasks(), b.tasks()]);
          return views.map((tasks) =>
            tasks
              .map((t) => `${t.id === id ? 'done' : t.id === nextId ? 'next' : t.id}:${t.status}:${t.dueDate}`)
              .sort(),
          );
        },
        { timeout: 10_000 },
      )
      .toEqual([
        ['done:done:2026-12-01', 'next:todo:2026-12-04'],
        ['done:done:2026-12-01', 'next:todo:2026-12-04'],
      ]);
    const stored = await server.store.getDoc(userId, 'tasks', nextId);
    expect(stored?.doc).toMatchObject({
      title: 'Water plants',
      notes: 'the big ones too',
      repeat: 'FREQ=DAILY;INTERVAL=3',
    });
    // The two creations were identical: nothing was recorded as a conflict on the next occurrence.
    expect(stored?.doc.conflicts).toEqual([]);

    // Completing the next occurrence on one device is not undone by the other's late duplicate.
    await updateTask(a.db, a.clock, nextId, { status: 'done' });
    // The completion and the occurrence after it are two writes: b may see one before the other.
    await expect
      .poll(
        async () => [
          (await b.db.tasks.findOne(nextId).exec())?.status,
          (await b.db.tasks.findOne(occurrenceId(nextId, '2026-12-07')).exec())?.status,
        ],
        { timeout: 10_000 },
      )
      .toEqual(['done', 'todo']);
  });

  it('[R4] concurrent offline edits to different subtasks, and to different parts of one, all survive', async () => {
    let ids: { a: string; b: string } = { a: '', b: '' };
    const [a, b, id] = await pairWith(async (a) => {
      const task = await createTask(a.db, a.clock, { title: 'Pack' });
      ids = {
        a: await addSubtask(a.db, a.clock, task.id, 'Passport'),
        b: await addSubtask(a.db, a.clock, task.id, 'Charger'),
      };
      return task.id;
    });
    await updateSubtask(a.db, a.clock, id, ids.a, { done: true });
    await updateSubtask(b.db, b.clock, id, ids.a, { title: 'Passport and visa' });
    await removeSubtask(b.db, b.clock, id, ids.b);
    await addSubtask(b.db, b.clock, id, 'Snacks');
    await a.reconnect();
    await b.reconnect();
    const expected = [
      { title: 'Passport and visa', done: true },
      { title: 'Snacks', done: false },
    ];
    await expect
      .poll(
        async () =>
          Promise.all(
            [a, b].map(async (d) =>
              visibleSubtasks((await d.db.tasks.findOne(id).exec())!.toJSON()).map(({ title, done }) => ({
                title,
                done,
              })),
            ),
          ),
        { timeout: 10_000 },
      )
      .toEqual([expected, expected]);
    expect((await a.db.tasks.findOne(id).exec())!.conflicts).toEqual([]);
  });
});
