import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { createTask, deleteTask, pendingCount$, updateTask, type TaskPatch } from '@taskmaster/sync-client';
import { eventually, onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

async function pair(server: TestServer): Promise<[Device, Device]> {
  return (await onlineDevices(server.url, await registerAccount(server.url), ['a', 'b'])) as [Device, Device];
}

async function bothOffline(a: Device, b: Device): Promise<void> {
  await a.sync!.awaitInSync();
  await b.sync!.awaitInSync();
  await a.disconnect();
  await b.disconnect();
}

describe('[R4] conflicts merge per field', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  async function sharedTask(a: Device, b: Device) {
    const task = await createTask(a.db, a.clock, { title: 'Plan trip', notes: 'initial' });
    await eventually(async () => expect(await b.db.tasks.findOne(task.id).exec()).toBeTruthy());
    return task;
  }

  it('[R4] offline edits to different fields on two devices both survive everywhere', async () => {
    const [a, b] = await pair(server);
    devices.push(a, b);
    const task = await sharedTask(a, b);
    await bothOffline(a, b);
    await updateTask(a.db, a.clock, task.id, { title: 'Plan trip to Lisbon' });
    await updateTask(b.db, b.clock, task.id, { priority: 'high', tags: ['travel'] });
    await a.reconnect();
    await b.reconnect();
    const expected = { title: 'Plan trip to Lisbon', priority: 'high', tags: ['travel'] };
    await eventually(async () => {
      for (const device of [a, b])
        expect((await device.db.tasks.findOne(task.id).exec())?.toJSON()).toMatchObject(expected);
    });
    const userId = a.session.user!.id;
    expect((await server.store.getDoc(userId, 'tasks', task.id))?.doc).toMatchObject({ ...expected, conflicts: [] });
  });

  it('[R4] offline edits to the same field converge on one winner everywhere and the loser is recorded', async () => {
    const [a, b] = await pair(server);
    devices.push(a, b);
    const task = await sharedTask(a, b);
    await bothOffline(a, b);
    await updateTask(a.db, a.clock, task.id, { title: 'Title from A' });
    await updateTask(b.db, b.clock, task.id, { title: 'Title from B' });
    // The later hybrid-logical-clock stamp wins, whichever device reconnects first.
    const winner =
      (await b.db.tasks.findOne(task.id).exec())!.clocks.title! >
      (await a.db.tasks.findOne(task.id).exec())!.clocks.title!
        ? 'Title from B'
        : 'Title from A';
    const loser = winner === 'Title from A' ? 'Title from B' : 'Title from A';
    await b.reconnect();
    await b.sync!.awaitInSync();
    await a.reconnect();
    await eventually(async () => {
      for (const device of [a, b]) {
        const doc = (await device.db.tasks.findOne(task.id).exec())!.toJSON();
        expect(doc.title).toBe(winner);
        expect(doc.conflicts).toHaveLength(1);
        expect(doc.conflicts[0]).toMatchObject({ field: 'title', lostValue: JSON.stringify(loser) });
      }
    });
    // The merged state the server sent back is not a local change waiting to be pushed.
    await eventually(async () => {
      for (const device of [a, b]) expect(await firstValueFrom(pendingCount$(device.db))).toBe(0);
    });
  });

  it('[R4] a delete racing an edit: the tombstone wins on every device and the edit is kept in the tombstone', async () => {
    const [a, b] = await pair(server);
    devices.push(a, b);
    const task = await sharedTask(a, b);
    await bothOffline(a, b);
    await updateTask(a.db, a.clock, task.id, { notes: 'edited while B deletes' } satisfies TaskPatch);
    await deleteTask(b.db, b.clock, task.id);
    await a.reconnect();
    await b.reconnect();
    const userId = a.session.user!.id;
    await eventually(async () => {
      for (const device of [a, b]) expect(await device.db.tasks.findOne(task.id).exec()).toBeNull();
      const stored = await server.store.getDoc(userId, 'tasks', task.id);
      expect(stored?.doc._deleted).toBe(true);
      expect(stored?.doc.notes).toBe('edited while B deletes');
    });
  });
});
