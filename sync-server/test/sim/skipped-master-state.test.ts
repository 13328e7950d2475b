import { HybridLogicalClock, TaskmasterError, type Task } from '@taskmaster/shared-schema';
import {
  createMemoryTransport,
  createTask,
  createTaskmasterDatabase,
  startSync,
  updateTask,
  type MemoryClientEnd,
  type MemoryEndpoint,
  type SyncHandle,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SyncService } from '../../src/replication/sync-service.js';
import { createMemoryDocumentStore } from '../../src/store/index.js';

interface Message {
  what: string;
  run(): void;
}

/**
 * A scripted network: nothing moves until the test delivers it, one queue per direction per
 * device (like one WebSocket each). Lets a test replay one exact interleaving by hand.
 */
function scriptedServer() {
  const store = createMemoryDocumentStore();
  const devices = new Map<string, { up: Message[]; down: Message[]; client?: MemoryClientEnd }>();
  const sync = new SyncService(store, {
    kind: 'local',
    attach() {},
    async close() {},
    publish(_user, event) {
      for (const [name, device] of devices) {
        device.down.push({
          what: `${name} changes ${event.fromSeq}->${event.toSeq}`,
          run: () => device.client?.deliver('sync:changes', event),
        });
      }
    },
  });
  const handle = async (event: string, payload: unknown) => {
    try {
      if (event === 'sync:pull') return await sync.pull('u1', payload);
      if (event === 'sync:push') return await sync.push('u1', payload);
      if (event === 'sync:digest') return await sync.digest('u1', payload);
      return await sync.bucket('u1', payload);
    } catch (error) {
      if (error instanceof TaskmasterError) return error.toBody();
      throw error;
    }
  };
  const endpoint = (name: string): MemoryEndpoint => ({
    open(client) {
      const device = { up: [] as Message[], down: [] as Message[], client };
      devices.set(name, device);
      client.accept(`${name}-conn`);
      return {
        request: (event, payload) =>
          new Promise((resolve) => {
            device.up.push({
              what: `${name} ${event}`,
              run: () =>
                void handle(event, payload).then((response) =>
                  device.down.push({ what: `${name} ack ${event}`, run: () => resolve(response) }),
                ),
            });
          }),
        close: () => devices.delete(name),
      };
    },
  });
  const queue = (name: string, direction: 'up' | 'down') => devices.get(name)![direction];
  /** Delivers the first queued message of `name`'s `direction` whose description matches. */
  const deliver = async (name: string, direction: 'up' | 'down', match: string) => {
    await vi.waitFor(() => expect(queue(name, direction).some((m) => m.what.includes(match))).toBe(true));
    const list = queue(name, direction);
    const index = list.findIndex((m) => m.what.includes(match));
    const [message] = list.splice(index, 1);
    message!.run();
    // Let the server or the device act on it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  /** Delivers a queued message and, in the same turn, a server event (as one network read would). */
  const deliverThen = async (name: string, match: string, event: string, payload: unknown) => {
    await vi.waitFor(() => expect(queue(name, 'down').some((m) => m.what.includes(match))).toBe(true));
    const list = queue(name, 'down');
    const [message] = list.splice(
      list.findIndex((m) => m.what.includes(match)),
      1,
    );
    const client = devices.get(name)!.client!;
    message!.run();
    client.deliver(event, payload);
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  /** Delivers everything in order until the network is quiet. */
  const flush = async () => {
    for (let quiet = 0; quiet < 5;) {
      const busy = [...devices.values()].find((d) => d.up.length > 0 || d.down.length > 0);
      if (!busy) {
        quiet += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      quiet = 0;
      const message = (busy.up.length > 0 ? busy.up : busy.down).shift()!;
      if (process.env.TRACE) process.stdout.write(`flush ${message.what}\n`);
      message.run();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  return { store, endpoint, deliver, deliverThen, flush };
}

/** Delivers messages until the device reports itself in sync. */
async function settled(net: { flush(): Promise<void> }, sync: SyncHandle) {
  let done = false;
  const inSync = sync.awaitInSync().then(() => (done = true));
  while (!done) await net.flush();
  await inSync;
}

describe('pushes that race a pause or another device (fuzz seed 73)', () => {
  const dbs: TaskmasterDatabase[] = [];
  const syncs: SyncHandle[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
    await Promise.all(dbs.splice(0).map((db) => db.remove()));
  });

  const setUp = async () => {
    const net = scriptedServer();
    const repairs: string[] = [];
    const device = async (name: string) => {
      const db = await createTaskmasterDatabase({ name: `skip-${name}-${Date.now()}`, storage: getRxStorageMemory() });
      dbs.push(db);
      const clock = new HybridLogicalClock(name);
      const tokens = { getAccessToken: async () => 't', refresh: async () => 't' };
      const sync = startSync({
        db,
        clock,
        session: tokens,
        transport: createMemoryTransport({ endpoint: net.endpoint(name), tokens }),
        resyncIntervalMs: 0,
        verifyIntervalMs: 0,
        onRepair: (repair) => repairs.push(`${name} ${repair.documents.join(',')}`),
      });
      syncs.push(sync);
      return { name, db, clock, sync };
    };
    const d0 = await device('d0');
    const d1 = await device('d1');
    await net.flush();
    const task = await createTask(d0.db, d0.clock, { title: 'first', listId: '' });
    await net.flush();
    await vi.waitFor(async () => expect((await d1.db.tasks.findOne(task.id).exec())?.title).toBe('first'));
    const local = async () => {
      const doc = (await d0.db.tasks.findOne(task.id).exec())!.toMutableJSON() as Task;
      return { title: doc.title, listId: doc.listId };
    };
    return { net, d0, d1, task, local, repairs };
  };

  it('[R1][R3] an acknowledgement that arrives with the shutdown notice (the replication pauses at once) still counts: later changes of that task reach the device', async () => {
    const { net, d0, d1, task, local, repairs } = await setUp();
    await updateTask(d0.db, d0.clock, task.id, { listId: 'work' });
    await net.deliver('d0', 'up', 'sync:push');
    // The server drains the push, acknowledges it and tells devices to reconnect, in one read.
    await net.deliverThen('d0', 'ack sync:push', 'sync:reconnect', { reason: 'server-shutdown' });
    // The device reconnects after a short back-off; then everything is delivered.
    await vi.waitFor(async () => expect((await d0.sync.transport).connected).toBe(true), { timeout: 5000 });
    await net.flush();
    await settled(net, d0.sync);
    // Another device edits the same task afterwards.
    await updateTask(d1.db, d1.clock, task.id, { title: 'second' });
    await settled(net, d1.sync);
    d0.sync.resync();
    await net.flush();
    await vi.waitFor(async () => expect(await local()).toEqual({ title: 'second', listId: 'work' }));
    // RxDB's view of the master matches the local copy: nothing is stuck as an unpushed write.
    const seen = await d0.sync.inspect('tasks', task.id);
    expect((seen.assumedMaster as Task).title).toBe('second');
    // ... and it got there by replication alone: the digest verify had nothing to repair.
    expect(repairs).toEqual([]);
  });

  it('[R3] another device’s change that commits after this device’s push, and arrives before its acknowledgement, is not lost', async () => {
    const { net, d0, d1, task, local } = await setUp();

    // d0 pushes a listId edit; the server commits it (seq 2) but its acknowledgement waits.
    await updateTask(d0.db, d0.clock, task.id, { listId: 'work' });
    await net.deliver('d0', 'up', 'sync:push');
    // d1's title edit commits after it (seq 3).
    await updateTask(d1.db, d1.clock, task.id, { title: 'second' });
    await net.deliver('d1', 'up', 'sync:push');
    // d0 hears of both changes before its own acknowledgement: RxDB skips them (unpushed write).
    await net.deliver('d0', 'down', 'changes 1->2');
    await net.deliver('d0', 'down', 'changes 2->3');
    await net.deliver('d0', 'down', 'ack sync:push');
    if (process.env.TRACE)
      process.stdout.write(`before flush: ${JSON.stringify((await d0.db.tasks.findOne(task.id).exec())?.title)}\n`);
    await net.flush();
    await d0.sync.awaitInSync();
    await net.flush();

    const server = (await net.store.getDoc('u1', 'tasks', task.id))!.doc as Task;
    expect(server.title).toBe('second');
    expect(server.listId).toBe('work');
    await vi.waitFor(async () => expect(await local()).toEqual({ title: 'second', listId: 'work' }));
  });

  it('[R3][R4] a merge that changes no clock, only logs a conflict, reaches the device whose push it raced (fuzz seed 6743)', async () => {
    const { net, d0, d1, task, repairs } = await setUp();
    // Both edit the same field, d1 offline; d1's stamp is the later one, so d0's value loses.
    const d1Transport = await d1.sync.transport;
    d1Transport.disconnect();
    await updateTask(d0.db, d0.clock, task.id, { tags: ['home'] });
    await updateTask(d1.db, d1.clock, task.id, { tags: ['work'] });
    // d1 comes back: it pulls (nothing new), then pushes its offline edit in RxDB's initial upstream
    // sync, which (unlike a live push) does not hold incoming master states back.
    d1Transport.connect();
    await net.deliver('d1', 'up', 'sync:pull');
    await net.deliver('d1', 'up', 'sync:pull');
    await net.deliver('d1', 'down', 'ack sync:pull');
    await net.deliver('d1', 'down', 'ack sync:pull');
    // d1's push commits first (seq 2); its acknowledgement waits.
    await net.deliver('d1', 'up', 'sync:push');
    // d0's push commits next (seq 3): its `tags` loses and the merge only logs the loss.
    await net.deliver('d0', 'up', 'sync:push');
    const server = (await net.store.getDoc('u1', 'tasks', task.id))!.doc as Task;
    expect(server.tags).toEqual(['work']);
    expect(server.conflicts.map((c) => [c.field, c.lostValue])).toEqual([['tags', '["home"]']]);
    // d1 hears of both before its own acknowledgement: seq 3 has d1's clocks, but one record more.
    await net.deliver('d1', 'down', 'changes 1->2');
    await net.deliver('d1', 'down', 'changes 2->3');
    await net.deliver('d1', 'down', 'ack sync:push');
    await settled(net, d1.sync);
    await net.flush();
    await vi.waitFor(async () => {
      const doc = (await d1.db.tasks.findOne(task.id).exec())!.toMutableJSON() as Task;
      expect(doc.conflicts).toEqual(server.conflicts);
    });
    // By replication alone: nothing was left for the digest verify to repair.
    expect(repairs).toEqual([]);
  });

  it('[R1][R9] local edits made while a verify is in flight are neither counted as a repair nor overwritten by one', async () => {
    const { net, d0, task, repairs } = await setUp();
    let outcome: string[] | undefined;
    const verifying = d0.sync.verify().then((o) => (outcome = o));
    await net.deliver('d0', 'up', 'sync:digest');
    // An edit after the server computed its digest: the local digest differs from it.
    await updateTask(d0.db, d0.clock, task.id, { title: 'edited during verify' });
    await net.deliver('d0', 'down', 'ack sync:digest');
    await net.deliver('d0', 'up', 'sync:bucket');
    // Another edit while the bucket is on its way: a repair from the earlier read would undo it.
    await updateTask(d0.db, d0.clock, task.id, { listId: 'during-verify' });
    await net.deliver('d0', 'down', 'ack sync:bucket');
    while (!outcome) await net.flush();
    await verifying;
    await settled(net, d0.sync);
    const local = (await d0.db.tasks.findOne(task.id).exec())!.toMutableJSON() as Task;
    const server = (await net.store.getDoc('u1', 'tasks', task.id))!.doc as Task;
    for (const doc of [local, server]) {
      expect(doc.title).toBe('edited during verify');
      expect(doc.listId).toBe('during-verify');
    }
    expect(repairs).toEqual([]);
  });
});
