import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { createTask, deleteTask, flushPending, pendingCount$, updateTask } from '@taskmaster/sync-client';
import { createDevice, eventually, onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('sync between devices of one user', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  it('[R1][R3] a task created on device A appears live in device B', async () => {
    const account = await registerAccount(server.url);
    const [a, b] = (await onlineDevices(server.url, account, ['a', 'b'])) as [Device, Device];
    devices.push(a, b);
    const task = await createTask(a.db, a.clock, { title: 'Buy milk' });
    await eventually(async () => {
      const doc = await b.db.tasks.findOne(task.id).exec();
      expect(doc?.title).toBe('Buy milk');
    });
    await updateTask(b.db, b.clock, task.id, { status: 'done' });
    await eventually(async () => {
      const doc = await a.db.tasks.findOne(task.id).exec();
      expect(doc?.status).toBe('done');
    });
  });

  it('[R7] local changes not yet pushed are counted, persist while offline, and drop to zero once acknowledged', async () => {
    const account = await registerAccount(server.url);
    const a = await createDevice(server.url, account, 'a');
    devices.push(a);
    await a.goOnline();
    await a.sync!.awaitInSync();
    await a.disconnect();
    const first = await createTask(a.db, a.clock, { title: 'one' });
    await createTask(a.db, a.clock, { title: 'two' });
    await updateTask(a.db, a.clock, first.id, { title: 'one, edited' });
    await updateTask(a.db, a.clock, first.id, { title: 'one, edited' }); // no change: not counted
    const temp = await createTask(a.db, a.clock, { title: 'three' });
    await deleteTask(a.db, a.clock, temp.id);
    await flushPending(a.db);
    expect(await firstValueFrom(pendingCount$(a.db))).toBe(3);
    const states: number[] = [];
    const sub = a.sync!.state$.subscribe((state) => states.push(state.pending));
    await a.reconnect();
    await eventually(async () => expect(await firstValueFrom(pendingCount$(a.db))).toBe(0));
    await eventually(() => expect(states.at(-1)).toBe(0));
    expect(states).toContain(3);
    sub.unsubscribe();
  });
});
