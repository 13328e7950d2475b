import { taskSchema, type HybridLogicalClock, type Task } from '@taskmaster/shared-schema';
import {
  addSubtask,
  createTask,
  markPending,
  updateTask,
  visibleSubtasks,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';
import type { RxJsonSchema } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, registerAccount, type Account, type Device } from '../helpers/device.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { newInstallation, openApp, type AppDevice } from './app-device.js';
import { TASK_SCHEMA_V1 } from './task-schema-v1.js';

const V1_SCHEMAS = { tasks: TASK_SCHEMA_V1 as unknown as RxJsonSchema<Task> };
const V1_FIELDS = [
  'title',
  'notes',
  'status',
  'priority',
  'dueDate',
  'tags',
  'listId',
  'order',
  'completedAt',
  'dueTime',
];

/** What the app built for schema v1 wrote when a task was added: dueTime, none of the v2 fields. */
async function addV1Task(db: TaskmasterDatabase, clock: HybridLogicalClock, id: string, title: string) {
  const now = Date.now();
  const at = clock.now();
  await db.tasks.insert({
    id,
    title,
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '2026-12-24',
    dueTime: '18:00',
    tags: [],
    listId: '',
    order: now,
    completedAt: 0,
    createdAt: now,
    updatedAt: now,
    clocks: Object.fromEntries([...V1_FIELDS, 'deleted'].map((f) => [f, at])),
    conflicts: [],
  } as Task);
  markPending(db, 'tasks', id, now);
}

describe('Versions: schema v2 (start date, repeat, subtasks, reminders) next to v1 devices (SPEC, "Versions")', () => {
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

  it('[R4] a v1 device offline across the upgrade keeps its writes; the v2 fields it does not know survive its edits; after the app upgrade the migration fills them and everything syncs', async () => {
    const observer = await createDevice(server.url, account, 'observer');
    open.push(observer);
    await observer.goOnline();
    const shared = await createTask(observer.db, observer.clock, {
      id: 'shared',
      title: 'Shared',
      dueDate: '2026-12-07',
      repeat: 'FREQ=WEEKLY;BYDAY=MO',
      reminder: 'before:15',
    });
    await addSubtask(observer.db, observer.clock, shared.id, 'Bring the bins in');
    await observer.sync!.awaitInSync();

    const installation = newInstallation();
    const old = await openApp(server.url, account, installation, { schemas: V1_SCHEMAS });
    expect(old.db.tasks.schema.version).toBe(1);
    for (let i = 0; i < 20; i++) await addV1Task(old.db, old.clock, `v1-${String(i).padStart(2, '0')}`, `Offline ${i}`);
    await old.online();
    await old.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).filter((t) => t.id.startsWith('v1-')).length, { timeout: 10_000 })
      .toBe(20);
    for (const task of (await observer.tasks()).filter((t) => t.id.startsWith('v1-'))) {
      expect(task).toMatchObject({
        dueTime: '18:00',
        repeat: '',
        startDate: '',
        subtasks: {},
        reminder: '',
        reminderFiredAt: 0,
      });
    }

    // The v1 app renames the shared task: its repeat, reminder and checklist are kept.
    await updateTask(old.db, old.clock, shared.id, { title: 'Shared, renamed by the v1 app' });
    await old.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).find((t) => t.id === 'shared')?.title, { timeout: 10_000 })
      .toBe('Shared, renamed by the v1 app');
    const kept = (await observer.tasks()).find((t) => t.id === 'shared')!;
    expect(kept).toMatchObject({ repeat: 'FREQ=WEEKLY;BYDAY=MO', reminder: 'before:15' });
    expect(visibleSubtasks(kept).map((s) => s.title)).toEqual(['Bring the bins in']);

    // Offline edits pile up, then the app is upgraded before it reconnects.
    await old.offline();
    for (let i = 0; i < 5; i++) await updateTask(old.db, old.clock, `v1-0${i}`, { title: `Edited offline ${i}` });
    const session = old.session;
    await old.quit();
    const upgraded = await openApp(server.url, account, installation, { session });
    open.push(upgraded);
    expect(upgraded.db.tasks.schema.version).toBe(taskSchema.version);
    const migrated = await upgraded.tasks();
    for (const task of migrated.filter((t) => t.id.startsWith('v1-'))) expect(task.subtasks).toEqual({});
    expect(migrated.filter((t) => t.title.startsWith('Edited offline')).length).toBe(5);
    await upgraded.online();
    await upgraded.sync!.awaitInSync();
    await expect
      .poll(async () => (await observer.tasks()).filter((t) => t.title.startsWith('Edited offline')).length, {
        timeout: 10_000,
      })
      .toBe(5);
    expect((await observer.tasks()).flatMap((t) => t.conflicts)).toEqual([]);

    // The upgraded app uses the new fields like any other.
    await updateTask(upgraded.db, upgraded.clock, 'v1-00', { repeat: 'FREQ=DAILY' });
    await addSubtask(upgraded.db, upgraded.clock, 'v1-01', 'A step');
    await expect
      .poll(
        async () => {
          const tasks = await observer.tasks();
          return [
            tasks.find((t) => t.id === 'v1-00')?.repeat,
            visibleSubtasks(tasks.find((t) => t.id === 'v1-01')!).length,
          ];
        },
        { timeout: 10_000 },
      )
      .toEqual(['FREQ=DAILY', 1]);
  });
});
