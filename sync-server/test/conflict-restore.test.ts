import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTask, restoreConflict, updateTask } from '@taskmaster/sync-client';
import { eventually, onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('[R4] Restore from the conflict log, through the real server', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  it('[R4] a Restore puts the lost value back everywhere and logs the value it replaced everywhere', async () => {
    const [a, b] = (await onlineDevices(server.url, await registerAccount(server.url), ['a', 'b'])) as [Device, Device];
    devices.push(a, b);
    const task = await createTask(a.db, a.clock, { title: 'Plan trip' });
    await eventually(async () => expect(await b.db.tasks.findOne(task.id).exec()).toBeTruthy());
    await a.sync!.awaitInSync();
    await b.sync!.awaitInSync();
    await a.disconnect();
    await b.disconnect();
    await updateTask(a.db, a.clock, task.id, { title: 'Title from A' });
    await updateTask(b.db, b.clock, task.id, { title: 'Title from B' });
    await a.reconnect();
    await a.sync!.awaitInSync();
    await b.reconnect();
    await b.sync!.awaitInSync();
    await a.sync!.awaitInSync();
    const merged = (await a.db.tasks.findOne(task.id).exec())!.toMutableJSON();
    const [lost] = merged.conflicts;
    expect(lost).toBeDefined();
    const winner = merged.title;
    const loser = JSON.parse(lost!.lostValue) as string;

    // Device a restores the losing title.
    await restoreConflict(a.db, a.clock, task.id, lost!, { title: loser });
    await a.sync!.awaitInSync();
    const restored = (await a.db.tasks.findOne(task.id).exec())!.toMutableJSON();
    const expected = {
      title: loser,
      conflicts: [
        {
          field: 'title',
          lostValue: JSON.stringify(winner),
          lostClock: lost!.winnerClock,
          winnerClock: restored.clocks.title,
        },
      ],
    };
    await eventually(async () => {
      for (const device of [a, b])
        expect((await device.db.tasks.findOne(task.id).exec())?.toJSON()).toMatchObject(expected);
    });
    expect((await server.store.getDoc(a.session.user!.id, 'tasks', task.id))?.doc).toMatchObject(expected);
  });
});
