import { DEFAULT_MAX_CLOCK_SKEW_MS, encodeHlc, stampMs, TASK_MERGE_FIELDS, type Task } from '@taskmaster/shared-schema';
import { createTask, updateTask } from '@taskmaster/sync-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, registerAccount, type Account, type Device } from './helpers/device.js';
import { connectRaw, emitRaw } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { taskDoc } from './store/doc-fixtures.js';
import { newInstallation, openApp, type AppDevice } from './versioning/app-device.js';

const TEN_YEARS = 10 * 365 * 24 * 60 * 60 * 1000;

/** Every stamp of a task, as epoch ms. */
const stampTimes = (task: Task) => Object.values(task.clocks).map((stamp) => stampMs(stamp!));

describe('[R8] a wrong device clock can never pin a field', () => {
  let server: TestServer;
  let account: Account;
  let honest: Device;
  let fast: AppDevice | undefined;
  /** The fast device's wall clock: the real time plus this. */
  let ahead = TEN_YEARS;

  beforeEach(async () => {
    server = await startTestServer();
    account = await registerAccount(server.url);
    honest = await createDevice(server.url, account, 'honest');
    await honest.goOnline();
    ahead = TEN_YEARS;
  });
  afterEach(async () => {
    await fast?.quit();
    fast = undefined;
    await honest.close();
    await server.dispose();
  });

  const serverTask = async (id: string) => {
    const rows = await server.store.pull(account.tokens.user.id, 'tasks', 0, 1000);
    return rows.map((row) => row.doc as unknown as Task).find((doc) => doc.id === id);
  };

  it('[R8] the server refuses a push stamped past its clock with clock-skew and its time, and stores nothing', async () => {
    const raw = await connectRaw(server.url, account.tokens.accessToken);
    try {
      const future = encodeHlc({ ms: Date.now() + TEN_YEARS, counter: 0 }, 'fast');
      const doc = taskDoc('pinned', {
        clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, future])),
      });
      const before = Date.now();
      const ack = (await emitRaw(raw, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: doc }] })) as {
        error: { reason: string; serverTime: number };
      };
      expect(ack.error.reason).toBe('clock-skew');
      expect(ack.error.serverTime).toBeGreaterThanOrEqual(before);
      expect(ack.error.serverTime).toBeLessThanOrEqual(Date.now());
      expect(await server.store.currentSeq(account.tokens.user.id, 'tasks')).toBe(0);
      // Within the bound is fine: a clock a minute fast is honest enough.
      const soon = encodeHlc({ ms: Date.now() + 60_000, counter: 0 }, 'fast');
      const ok = await emitRaw(raw, 'sync:push', {
        collection: 'tasks',
        rows: [
          { newDocumentState: { ...doc, clocks: Object.fromEntries(Object.keys(doc.clocks).map((f) => [f, soon])) } },
        ],
      });
      expect(ok).toMatchObject({ conflicts: [] });
    } finally {
      raw.disconnect();
    }
  });

  it('[R8] a device 10 years ahead that wrote offline syncs every write, and an honest later edit wins', async () => {
    fast = await openApp(server.url, account, newInstallation(), { wallClock: () => Date.now() + ahead });
    // Offline, before any server told it the time: its stamps are 10 years ahead.
    await createTask(fast.db, fast.clock, { id: 'fast-1', title: 'Written on the fast clock', tags: ['a'] });
    await updateTask(fast.db, fast.clock, 'fast-1', { notes: 'and edited offline' });
    await createTask(fast.db, fast.clock, { id: 'fast-2', title: 'Second' });
    expect(Math.min(...stampTimes((await fast.tasks())[0]!))).toBeGreaterThan(Date.now() + TEN_YEARS / 2);

    await fast.online();
    await fast.sync!.awaitInSync();
    // Every write arrived, re-stamped at the server's time (nothing stored far ahead) ...
    const limit = () => Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS;
    await expect.poll(async () => (await serverTask('fast-1'))?.notes, { timeout: 10_000 }).toBe('and edited offline');
    expect((await serverTask('fast-2'))?.title).toBe('Second');
    for (const id of ['fast-1', 'fast-2']) {
      for (const ms of stampTimes((await serverTask(id))!)) expect(ms).toBeLessThanOrEqual(limit());
    }
    // ... and the device's own copy holds the stamps the server holds.
    await expect
      .poll(async () => Math.max(...(await fast!.tasks()).flatMap(stampTimes)), { timeout: 10_000 })
      .toBeLessThanOrEqual(limit());
    expect(fast.clock.offset).toBeLessThan(-TEN_YEARS + 60_000);

    // The honest device's later edit of the same field is not silently discarded: it wins everywhere.
    await expect.poll(async () => (await honest.tasks()).length, { timeout: 10_000 }).toBe(2);
    await updateTask(honest.db, honest.clock, 'fast-1', { title: 'Honest edit' });
    await honest.sync!.awaitInSync();
    expect((await serverTask('fast-1'))?.title).toBe('Honest edit');
    await expect
      .poll(async () => (await fast!.tasks()).find((t) => t.id === 'fast-1')?.title, { timeout: 10_000 })
      .toBe('Honest edit');
    expect((await serverTask('fast-1'))?.conflicts).toEqual([]);

    // The fast device, now corrected, edits after that and wins in turn: ordering is honest both ways.
    await updateTask(fast.db, fast.clock, 'fast-1', { title: 'Corrected fast edit' });
    await expect
      .poll(async () => (await honest.tasks()).find((t) => t.id === 'fast-1')?.title, { timeout: 10_000 })
      .toBe('Corrected fast edit');
  });

  it('[R8] a device 10 years behind, restarted offline, edits a synced task and its edit is not lost', async () => {
    await createTask(honest.db, honest.clock, { id: 'shared', title: 'From the honest device' });
    await honest.sync!.awaitInSync();
    const installation = newInstallation();
    ahead = -TEN_YEARS;
    const first = await openApp(server.url, account, installation, { wallClock: () => Date.now() + ahead });
    await first.online();
    await first.sync!.awaitInSync();
    await expect.poll(async () => (await first.tasks()).map((t) => t.id), { timeout: 10_000 }).toEqual(['shared']);
    const session = first.session;
    await first.quit();
    // Restarted offline: no hello yet, so its clock says ten years ago.
    fast = await openApp(server.url, account, installation, { wallClock: () => Date.now() + ahead, session });
    await updateTask(fast.db, fast.clock, 'shared', { title: 'Edited on the slow clock' });
    await fast.online();
    await fast.sync!.awaitInSync();
    await expect
      .poll(async () => (await honest.tasks()).find((t) => t.id === 'shared')?.title, { timeout: 10_000 })
      .toBe('Edited on the slow clock');
    expect((await serverTask('shared'))?.conflicts).toEqual([]);
  });

  it('[R8] a field pinned far ahead before the bound existed is freed by the next honest edit', async () => {
    // Stored straight into the store, as the server before rule R8 accepted it.
    const future = encodeHlc({ ms: Date.now() + TEN_YEARS, counter: 0 }, 'fastdevice');
    const pinned = taskDoc('legacy', {
      title: 'Pinned ten years ahead',
      clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, future])),
    });
    await server.store.applyPush(account.tokens.user.id, 'tasks', [{ newDocumentState: pinned }], (_master, row) => ({
      doc: row.newDocumentState,
      recorded: [],
      changed: true,
    }));
    honest.sync!.resync();
    await expect.poll(async () => (await honest.tasks()).map((t) => t.id), { timeout: 10_000 }).toEqual(['legacy']);

    await updateTask(honest.db, honest.clock, 'legacy', { title: 'Honest edit' });
    await expect.poll(async () => (await serverTask('legacy'))?.title, { timeout: 10_000 }).toBe('Honest edit');
    const stored = (await serverTask('legacy'))!;
    for (const ms of stampTimes(stored)) expect(ms).toBeLessThanOrEqual(Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
    expect(stored.notes).toBe(pinned.notes);
    await expect
      .poll(async () => Math.max(...stampTimes((await honest.tasks())[0]!)), { timeout: 10_000 })
      .toBeLessThanOrEqual(Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
  });

  it('[R8] a wall clock that jumps 10 years ahead while connected is corrected by the refusal, and loses nothing', async () => {
    fast = await openApp(server.url, account, newInstallation(), { wallClock: () => Date.now() + ahead });
    ahead = 0;
    await fast.online();
    await fast.sync!.awaitInSync();
    await createTask(fast.db, fast.clock, { id: 'jump', title: 'Before the jump' });
    await fast.sync!.awaitInSync();

    ahead = TEN_YEARS;
    await updateTask(fast.db, fast.clock, 'jump', { title: 'After the jump' });
    await expect.poll(async () => (await serverTask('jump'))?.title, { timeout: 10_000 }).toBe('After the jump');
    for (const ms of stampTimes((await serverTask('jump'))!)) {
      expect(ms).toBeLessThanOrEqual(Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
    }

    await expect
      .poll(async () => (await honest.tasks()).find((t) => t.id === 'jump')?.title, { timeout: 10_000 })
      .toBe('After the jump');
    await updateTask(honest.db, honest.clock, 'jump', { title: 'Honest edit after the jump' });
    await expect
      .poll(async () => (await fast!.tasks()).find((t) => t.id === 'jump')?.title, { timeout: 10_000 })
      .toBe('Honest edit after the jump');
  });
});
