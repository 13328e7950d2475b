import {
  encodeHlc,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  taskSchema,
  type HelloEvent,
  type HybridLogicalClock,
  type Task,
} from '@taskmaster/shared-schema';
import {
  createSocketIoTransport,
  createTask,
  markPending,
  startSync,
  updateTask,
  type SyncState,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';
import type { RxJsonSchema } from 'rxdb';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, registerAccount, type Account, type Device } from '../helpers/device.js';
import { connectRaw, emitRaw } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { newInstallation, openApp, type AppDevice } from './app-device.js';
import { TASK_SCHEMA_V0 } from './task-schema-v0.js';

const V0_SCHEMAS = { tasks: TASK_SCHEMA_V0 as unknown as RxJsonSchema<Task> };
/** The merge fields of tasks at schema v0. */
const V0_FIELDS = ['title', 'notes', 'status', 'priority', 'dueDate', 'tags', 'listId', 'order', 'completedAt'];

/** What the app built for schema v0 wrote when a task was added: no dueTime, no clock for it. */
async function addV0Task(db: TaskmasterDatabase, clock: HybridLogicalClock, id: string, title: string) {
  const now = Date.now();
  const at = clock.now();
  await db.tasks.insert({
    id,
    title,
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '',
    tags: [],
    listId: '',
    order: now,
    completedAt: 0,
    createdAt: now,
    updatedAt: now,
    clocks: Object.fromEntries([...V0_FIELDS, 'deleted'].map((f) => [f, at])),
    conflicts: [],
  } as Task);
  markPending(db, 'tasks', id, now);
}

describe('Versions: the server serves schema N and N-1, protocol MIN..N (SPEC, "Versions")', () => {
  let server: TestServer;
  let account: Account;
  const open: (AppDevice | Device)[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    account = await registerAccount(server.url);
  });
  afterEach(async () => {
    for (const device of open.splice(0)) await ('close' in device ? device.close() : device.quit());
    await server.dispose();
  });

  it('a v0 device with 50 offline writes reconnects to a v1 server and they are accepted; after the app upgrade the migration keeps data and pending writes, and they sync', async () => {
    const observer = await createDevice(server.url, account, 'observer');
    open.push(observer);
    await observer.goOnline();
    // A v1 device sets the new field on a task the old device will then edit.
    const shared = await createTask(observer.db, observer.clock, { id: 'shared', title: 'Shared', dueTime: '09:30' });
    await observer.sync!.awaitInSync();

    const installation = newInstallation();
    const old = await openApp(server.url, account, installation, { schemas: V0_SCHEMAS });
    expect(old.db.tasks.schema.version).toBe(0);
    for (let i = 0; i < 50; i++)
      await addV0Task(old.db, old.clock, `old-${String(i).padStart(2, '0')}`, `Offline ${i}`);

    await old.online();
    await old.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).filter((t) => t.id.startsWith('old-')).length, { timeout: 10_000 })
      .toBe(50);
    for (const task of await observer.tasks()) expect(task.dueTime).toBe(task.id === 'shared' ? '09:30' : '');

    // The old app edits the task it knows only in v0 terms: the field it does not know survives.
    await updateTask(old.db, old.clock, shared.id, { title: 'Shared, renamed by the old app' });
    await old.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).find((t) => t.id === 'shared')?.title, { timeout: 10_000 })
      .toBe('Shared, renamed by the old app');
    expect((await observer.tasks()).find((t) => t.id === 'shared')?.dueTime).toBe('09:30');

    // Offline again, edits pile up, then the app is upgraded before it reconnects.
    await old.offline();
    for (let i = 0; i < 10; i++) await updateTask(old.db, old.clock, `old-0${i}`, { title: `Edited offline ${i}` });
    const session = old.session;
    await old.quit();

    const upgraded = await openApp(server.url, account, installation, { session });
    open.push(upgraded);
    expect(upgraded.db.tasks.schema.version).toBe(taskSchema.version);
    const migrated = await upgraded.tasks();
    expect(migrated.length).toBe(51);
    for (const task of migrated) expect(task.dueTime).toBe(task.id === 'shared' ? '09:30' : '');
    expect(migrated.filter((t) => t.title.startsWith('Edited offline')).length).toBe(10);

    await upgraded.online();
    await upgraded.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).filter((t) => t.title.startsWith('Edited offline')).length, {
        timeout: 10_000,
      })
      .toBe(10);
    // Nothing was merged as a conflict on the way: every write was a plain later edit.
    expect((await observer.tasks()).flatMap((t) => t.conflicts)).toEqual([]);
    expect((await upgraded.tasks()).flatMap((t) => t.conflicts)).toEqual([]);

    // And the upgraded app uses the new field like any other.
    await updateTask(upgraded.db, upgraded.clock, 'old-00', { dueTime: '18:00' });
    await expect
      .poll(async () => (await observer.tasks()).find((t) => t.id === 'old-00')?.dueTime, { timeout: 10_000 })
      .toBe('18:00');
  });

  it('a device built before versioning (no protocol, no schemaVersion) pushes a v0 task and it is stored upgraded', async () => {
    const raw = await connectRaw(server.url, account.tokens.accessToken);
    try {
      const stamp = encodeHlc({ ms: Date.now(), counter: 0 }, 'legacy');
      const doc = {
        id: 'legacy-1',
        title: 'From an old app',
        notes: '',
        status: 'todo',
        priority: 'none',
        dueDate: '',
        tags: [],
        listId: '',
        order: 1,
        completedAt: 0,
        createdAt: 1,
        updatedAt: 1,
        clocks: Object.fromEntries([...V0_FIELDS, 'deleted'].map((f) => [f, stamp])),
        conflicts: [],
        _deleted: false,
      };
      const ack = (await emitRaw(raw, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: doc }] })) as {
        conflicts: unknown[];
      };
      expect(ack.conflicts).toEqual([]);
      const pulled = (await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 10 })) as {
        documents: Task[];
      };
      // Every later step's "not set" value (v1: dueTime; v2: start date, repeat, subtasks, reminder).
      const notSet = { dueTime: '', startDate: '', repeat: '', subtasks: {}, reminder: '', reminderFiredAt: 0 };
      expect(pulled.documents).toEqual([{ ...doc, ...notSet }]);
    } finally {
      raw.disconnect();
    }
  });

  it('a push in a schema version newer than the server is refused as retryable (server-outdated)', async () => {
    const raw = await connectRaw(server.url, account.tokens.accessToken, {
      auth: { token: account.tokens.accessToken, protocol: PROTOCOL_VERSION },
    });
    try {
      const ack = await emitRaw(raw, 'sync:push', {
        collection: 'tasks',
        schemaVersion: taskSchema.version + 1,
        rows: [{ newDocumentState: { id: 'x' } }],
      });
      expect(ack).toMatchObject({ error: { reason: 'server-outdated' } });
    } finally {
      raw.disconnect();
    }
  });

  it('a device whose protocol is too old is refused with upgrade-required and the minimum version', async () => {
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: account.tokens.accessToken, protocol: MIN_PROTOCOL_VERSION - 1 },
      reconnection: false,
      forceNew: true,
    });
    try {
      const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('upgrade-required');
      expect(error.data).toMatchObject({ reason: 'upgrade-required', minProtocol: MIN_PROTOCOL_VERSION });
    } finally {
      socket.disconnect();
    }
  });

  it('a device newer than the server (mid rolling deploy) is refused as retryable (server-outdated)', async () => {
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: account.tokens.accessToken, protocol: PROTOCOL_VERSION + 1 },
      reconnection: false,
      forceNew: true,
    });
    try {
      const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('server-outdated');
    } finally {
      socket.disconnect();
    }
  });

  it('an engine refused with upgrade-required stops syncing, keeps its writes, and never reconnects by itself', async () => {
    const app = await openApp(server.url, account, newInstallation());
    open.push(app);
    await createTask(app.db, app.clock, { id: 'kept', title: 'Written by a build the server no longer serves' });
    let handshakes = 0;
    server.server.io.engine.on('connection', () => (handshakes += 1));
    // An engine built for a protocol older than the server's minimum.
    const transport = createSocketIoTransport({
      url: server.url,
      tokens: app.session,
      handshake: () => ({ protocol: MIN_PROTOCOL_VERSION - 1 }),
    });
    const sync = startSync({ db: app.db, session: app.session, clock: app.clock, transport, resyncIntervalMs: 0 });
    try {
      const states: SyncState[] = [];
      sync.state$.subscribe((state) => states.push(state));
      await expect
        .poll(() => states.at(-1)?.upgradeRequired, { timeout: 10_000 })
        .toMatchObject({
          minProtocol: MIN_PROTOCOL_VERSION,
        });
      expect(states.at(-1)).toMatchObject({ status: 'error', error: 'upgrade-required' });
      // Proving that nothing happens takes a wait: several times Socket.IO's 250 ms reconnect delay.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(handshakes).toBe(1);
      expect(transport.connected).toBe(false);
      expect((await app.tasks()).map((t) => t.id)).toEqual(['kept']);
    } finally {
      await sync.stop();
    }
  });

  it('[R8] every accepted connection starts with sync:hello: the server time and the protocol window', async () => {
    const before = Date.now();
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: account.tokens.accessToken, protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    try {
      const hello = await new Promise<HelloEvent>((resolve) => socket.once('sync:hello', resolve));
      expect(hello.protocol).toBe(PROTOCOL_VERSION);
      expect(hello.minProtocol).toBe(MIN_PROTOCOL_VERSION);
      expect(hello.maxClockSkewMs).toBe(server.config.maxClockSkewMs);
      expect(hello.serverTime).toBeGreaterThanOrEqual(before);
      expect(hello.serverTime).toBeLessThanOrEqual(Date.now());
    } finally {
      socket.disconnect();
    }
  });
});
