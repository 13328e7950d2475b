import { randomUUID } from 'node:crypto';
import type { HybridLogicalClock, Task } from '@taskmaster/shared-schema';
import {
  createSession,
  createTaskmasterDatabase,
  getDeviceClock,
  memorySessionStore,
  startSync,
  type DatabaseOptions,
  type Session,
  type SyncHandle,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';
import type { RxStorage } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Account } from '../helpers/device.js';

/**
 * One installation of the app on one device, for version and clock tests: a database that can be
 * closed and opened again by a newer build (same storage, same name), an injectable wall clock, and
 * the real engine's sync.
 */
export interface AppDevice {
  db: TaskmasterDatabase;
  clock: HybridLogicalClock;
  session: Session;
  sync: SyncHandle | null;
  online(): Promise<void>;
  offline(): Promise<void>;
  tasks(): Promise<Task[]>;
  /** Closes the database and keeps its data, as quitting the app does. */
  quit(): Promise<void>;
}

export interface Installation {
  storage: RxStorage<unknown, unknown>;
  name: string;
}

export function newInstallation(): Installation {
  return { storage: getRxStorageMemory(), name: `app-${randomUUID().slice(0, 8)}` };
}

export async function openApp(
  url: string,
  account: Account,
  installation: Installation,
  options: { schemas?: DatabaseOptions['schemas']; wallClock?: () => number; session?: Session } = {},
): Promise<AppDevice> {
  const db = await createTaskmasterDatabase({ ...installation, schemas: options.schemas });
  const clock = await getDeviceClock(db, { wallClock: options.wallClock });
  let session = options.session;
  if (!session) {
    session = createSession({ baseUrl: url, store: memorySessionStore() });
    await session.signIn(account.email, account.password);
  }
  const device: AppDevice = {
    db,
    clock,
    session,
    sync: null,
    async online() {
      if (device.sync) return;
      device.sync = startSync({ db, url, session, clock, resyncIntervalMs: 0 });
      await device.sync.transport;
    },
    async offline() {
      const sync = device.sync;
      device.sync = null;
      await sync?.stop();
    },
    async tasks() {
      const docs = await db.tasks.find({ sort: [{ id: 'asc' }] }).exec();
      return docs.map((d) => d.toMutableJSON() as Task);
    },
    async quit() {
      await device.offline();
      await db.close();
    },
  };
  return device;
}
