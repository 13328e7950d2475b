import type { ChangeEvent } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createTask, deleteTask, updateTask } from '@taskmaster/sync-client';
import { createLocalFanout, type Fanout } from '../src/fanout/fanout.js';
import { onlineDevices, registerAccount, type Device } from './helpers/device.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * A fan-out with a bug on demand: the next change hints keep their sequence range but carry the
 * previous state of each document, so a device that applies them moves its checkpoint past a
 * change while holding an older state, and no later pull returns it (where seed 73 of the old
 * simulation ended up).
 */
function corruptingFanout(): Fanout & { corruptNext: number } {
  const inner = createLocalFanout();
  const previous = new Map<string, NonNullable<ChangeEvent['documents']>[number]>();
  const fanout = {
    kind: 'local' as const,
    corruptNext: 0,
    attach: inner.attach.bind(inner),
    close: inner.close.bind(inner),
    publish(userId: string, event: ChangeEvent) {
      const documents = event.documents ?? [];
      let sent = event;
      if (fanout.corruptNext > 0 && documents.every((doc) => previous.has(doc.id))) {
        fanout.corruptNext -= 1;
        sent = { ...event, documents: documents.map((doc) => previous.get(doc.id)!) };
      }
      for (const doc of documents) previous.set(doc.id, doc);
      inner.publish(userId, sent);
    },
  };
  return fanout;
}

describe('divergence detection and repair (R9)', () => {
  const servers: TestServer[] = [];
  const devices: Device[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    for (const server of servers.splice(0)) await server.dispose();
  });

  it('[R9] a device whose copy went stale behind its checkpoint repairs itself within one verify', async () => {
    const fanout = corruptingFanout();
    const server = await startTestServer({ fanout });
    servers.push(server);
    const account = await registerAccount(server.url);
    const [a, b] = await onlineDevices(server.url, account, ['a', 'b'], { verifyIntervalMs: 0 });
    devices.push(a!, b!);
    const task = await createTask(a!.db, a!.clock, { title: 'first title' });
    await a!.sync!.awaitInSync();
    await expect.poll(async () => (await b!.db.tasks.findOne(task.id).exec())?.title).toBe('first title');

    // B is idle (its connect-time verify done), so it applies the next hint directly (R3) ...
    expect(await b!.sync!.verify()).toEqual(['in-sync', 'in-sync']);
    // ... a hint that claims the change but carries no document: its checkpoint moves on.
    fanout.corruptNext = 1;
    await updateTask(a!.db, a!.clock, task.id, { title: 'second title' });
    await a!.sync!.awaitInSync();
    b!.sync!.resync();
    await b!.sync!.awaitInSync();
    expect((await b!.db.tasks.findOne(task.id).exec())?.title).toBe('first title');
    expect(await server.store.currentSeq(account.tokens.user.id, 'tasks')).toBe(2);

    const outcomes = await b!.sync!.verify();
    expect(outcomes).toContain('repaired');
    await expect.poll(async () => (await b!.db.tasks.findOne(task.id).exec())?.title).toBe('second title');
    // Once repaired, the next verify finds nothing to do.
    expect(await b!.sync!.verify()).toEqual(['in-sync', 'in-sync']);
  });

  it('[R9] devices that hold what the server holds (tombstones included) verify as in sync, without fetching anything', async () => {
    const server = await startTestServer();
    servers.push(server);
    const account = await registerAccount(server.url);
    const [a, b] = await onlineDevices(server.url, account, ['a', 'b'], { verifyIntervalMs: 0 });
    devices.push(a!, b!);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createTask(a!.db, a!.clock, { title: `task ${i}` })).id);
    // The server's digest counts tombstones, so each device's local read must include them too.
    for (const id of ids.slice(0, 5)) await deleteTask(a!.db, a!.clock, id);
    await a!.sync!.awaitInSync();
    await expect.poll(async () => (await b!.db.tasks.find().exec()).length).toBe(25);
    expect(await a!.sync!.verify()).toEqual(['in-sync', 'in-sync']);
    expect(await b!.sync!.verify()).toEqual(['in-sync', 'in-sync']);
  });
});
