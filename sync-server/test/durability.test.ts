import Database from 'better-sqlite3';
import { PROTOCOL_LIMITS, type ChangeEvent, type Task } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createTask, updateTask } from '@taskmaster/sync-client';
import { createLocalFanout, type Fanout } from '../src/fanout/fanout.js';
import { createDevice, eventually, onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** A fan-out that loses the messages a test tells it to lose (rule R3: fan-out is only a hint). */
function lossyFanout(): Fanout & { dropNext: number; dropped: ChangeEvent[] } {
  const inner = createLocalFanout();
  const fanout = {
    kind: 'local' as const,
    dropNext: 0,
    dropped: [] as ChangeEvent[],
    attach: inner.attach.bind(inner),
    close: inner.close.bind(inner),
    publish(userId: string, event: ChangeEvent) {
      if (fanout.dropNext > 0) {
        fanout.dropNext -= 1;
        fanout.dropped.push(event);
        return;
      }
      inner.publish(userId, event);
    },
  };
  return fanout;
}

describe('durability and recovery', () => {
  const servers: TestServer[] = [];
  const devices: Device[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    for (const server of servers.splice(0)) await server.dispose();
  });

  it('[R1][R2] a server restart loses nothing acknowledged; data is in the SQLite file; devices resume from their checkpoints', async () => {
    const first = await startTestServer();
    servers.push(first);
    const account = await registerAccount(first.url);
    const a = await createDevice(first.url, account, 'a');
    const b = await createDevice(first.url, account, 'b');
    devices.push(a, b);
    await a.goOnline();
    await b.goOnline();
    const tasks: Task[] = [];
    for (let i = 0; i < 20; i++) tasks.push(await createTask(a.db, a.clock, { title: `task ${i}` }));
    await a.sync!.awaitInSync();
    await eventually(async () => expect(await b.db.tasks.count().exec()).toBe(20));

    await a.goOffline();
    await b.goOffline();
    await first.stop();

    // The acknowledged writes are on disk, readable by anyone opening the file.
    const file = new Database(first.dbFile, { readonly: true });
    const rows = file.prepare("SELECT id, seq FROM documents WHERE collection = 'tasks' ORDER BY seq").all() as {
      id: string;
      seq: number;
    }[];
    file.close();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    await updateTask(b.db, b.clock, tasks[3]!.id, { title: 'edited offline during the restart' });
    const second = await startTestServer({ dataDir: first.dataDir });
    servers.push(second);
    const pulled: number[] = [];
    const originalPull = second.store.pull.bind(second.store);
    second.store.pull = async (userId, collection, afterSeq, limit) => {
      // Device pulls only (at most a pull batch); the digest verify (R9) reads the whole scope.
      if (collection === 'tasks' && limit <= PROTOCOL_LIMITS.maxPullBatch) pulled.push(afterSeq);
      return originalPull(userId, collection, afterSeq, limit);
    };
    await a.goOnline({ url: second.url });
    await b.goOnline({ url: second.url });
    await eventually(async () => {
      expect((await a.db.tasks.findOne(tasks[3]!.id).exec())?.title).toBe('edited offline during the restart');
    });
    // Resumed from checkpoint 20, not from the beginning.
    expect(pulled.length).toBeGreaterThan(0);
    expect(Math.min(...pulled)).toBe(20);
    expect(await a.db.tasks.count().exec()).toBe(20);
  });

  it('[R3] a lost change notification is recovered by the next pull', async () => {
    const fanout = lossyFanout();
    const server = await startTestServer({ fanout });
    servers.push(server);
    const account = await registerAccount(server.url);
    const [a, b] = (await onlineDevices(server.url, account, ['a', 'b'])) as [Device, Device];
    devices.push(a, b);

    fanout.dropNext = 1;
    const lost = await createTask(a.db, a.clock, { title: 'notification lost' });
    await a.sync!.awaitInSync();
    expect(fanout.dropped).toHaveLength(1);
    expect(await b.db.tasks.findOne(lost.id).exec()).toBeNull();

    // The next notification does not continue from B's checkpoint, so B pulls instead of applying it.
    const next = await createTask(a.db, a.clock, { title: 'next change' });
    await eventually(async () => {
      expect((await b.db.tasks.findOne(lost.id).exec())?.title).toBe('notification lost');
      expect((await b.db.tasks.findOne(next.id).exec())?.title).toBe('next change');
    });
  });

  it('[R3] when no further change comes, the periodic safety pull recovers a lost notification', async () => {
    const fanout = lossyFanout();
    const server = await startTestServer({ fanout });
    servers.push(server);
    const account = await registerAccount(server.url);
    const a = await createDevice(server.url, account, 'a');
    const b = await createDevice(server.url, account, 'b');
    devices.push(a, b);
    await a.goOnline();
    await b.goOnline({ resyncIntervalMs: 200 });
    await b.sync!.awaitInSync();
    fanout.dropNext = 1;
    const lost = await createTask(a.db, a.clock, { title: 'only change' });
    await eventually(async () => expect((await b.db.tasks.findOne(lost.id).exec())?.title).toBe('only change'), 5000);
    expect(fanout.dropped).toHaveLength(1);
  });

  it('[R3] duplicated and out-of-order notifications never skip or regress a device', async () => {
    const fanout = lossyFanout();
    const server = await startTestServer({ fanout });
    servers.push(server);
    const account = await registerAccount(server.url);
    const [a, b] = (await onlineDevices(server.url, account, ['a', 'b'])) as [Device, Device];
    devices.push(a, b);
    fanout.dropNext = 2;
    const first = await createTask(a.db, a.clock, { title: 'first' });
    await a.sync!.awaitInSync();
    const second = await createTask(a.db, a.clock, { title: 'second' });
    await a.sync!.awaitInSync();
    // Deliver them late, newest first, then again.
    const transport = await b.sync!.transport;
    const [e1, e2] = fanout.dropped as [ChangeEvent, ChangeEvent];
    for (const event of [e2, e1, e2, e1]) server.server.io.to(`user:${b.session.user!.id}`).emit('sync:changes', event);
    await eventually(async () => {
      expect((await b.db.tasks.findOne(first.id).exec())?.title).toBe('first');
      expect((await b.db.tasks.findOne(second.id).exec())?.title).toBe('second');
    });
    expect(transport.connected).toBe(true);
  });

  it('[R7] 500+ changes queued offline are all pushed at reconnect, not after the retry delay', async () => {
    const server = await startTestServer();
    servers.push(server);
    const account = await registerAccount(server.url);
    const a = await createDevice(server.url, account, 'a');
    devices.push(a);
    // A retry delay far longer than the push itself, so the test tells "pushed at reconnect" from
    // "pushed when RxDB retried" on a machine of any speed.
    const retryTimeMs = 60_000;
    await a.goOnline({ retryTimeMs });
    await a.sync!.awaitInSync();
    await a.disconnect();
    await a.db.tasks.bulkInsert(
      Array.from({ length: 600 }, (_, i) => ({
        id: `queued-${i}`,
        title: `queued ${i}`,
        notes: '',
        status: 'todo' as const,
        priority: 'none' as const,
        dueDate: '',
        tags: [],
        listId: '',
        order: i,
        completedAt: 0,
        createdAt: Date.now(),
        updatedAt: Date.now(),
        clocks: { title: a.clock.now() },
        conflicts: [],
      })),
    );
    const userId = a.session.user!.id;
    expect(await server.store.currentSeq(userId, 'tasks')).toBe(0);
    const started = Date.now();
    await a.reconnect();
    await eventually(async () => expect(await server.store.currentSeq(userId, 'tasks')).toBe(600), 30_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(retryTimeMs / 2);
  });
});
