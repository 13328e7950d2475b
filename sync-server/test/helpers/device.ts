import { randomUUID } from 'node:crypto';
import type { HybridLogicalClock, Task, TokenPair } from '@taskmaster/shared-schema';
import { createTaskmasterDatabase, getDeviceClock, type TaskmasterDatabase } from '@taskmaster/sync-client';
import {
  createSession,
  memorySessionStore,
  startSync,
  type Session,
  type SyncHandle,
  type SyncOptions,
} from '@taskmaster/sync-client';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

export interface Device {
  name: string;
  db: TaskmasterDatabase;
  clock: HybridLogicalClock;
  session: Session;
  sync: SyncHandle | null;
  /** Connects and replicates (the same client code the browser runs). */
  goOnline(options?: Partial<SyncOptions>): Promise<void>;
  /** Stops replication and closes the socket; local writes keep working. */
  goOffline(): Promise<void>;
  /** Drops the connection as a network loss would (replication pauses, checkpoints stay). */
  disconnect(): Promise<void>;
  /** Comes back after `disconnect()`. */
  reconnect(): Promise<void>;
  tasks(): Promise<Task[]>;
  close(): Promise<void>;
}

export interface Account {
  email: string;
  password: string;
  tokens: TokenPair;
}

export async function registerAccount(url: string, email = `user-${randomUUID()}@example.test`): Promise<Account> {
  const password = 'correct horse battery staple';
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return { email, password, tokens: (await response.json()) as TokenPair };
}

/**
 * A device in Node: an RxDB database on storage-memory with the real client replication code,
 * signed in through the real REST session.
 */
export async function createDevice(url: string, account: Account, name = randomUUID().slice(0, 8)): Promise<Device> {
  const db = await createTaskmasterDatabase({
    name: `device-${name}-${randomUUID().slice(0, 8)}`,
    storage: getRxStorageMemory(),
  });
  const clock = await getDeviceClock(db);
  const session = createSession({ baseUrl: url, store: memorySessionStore() });
  await session.signIn(account.email, account.password);
  let serverUrl = url;
  const device: Device = {
    name,
    db,
    clock,
    session,
    sync: null,
    async goOnline(options) {
      if (device.sync) return;
      if (options?.url) serverUrl = options.url;
      device.sync = startSync({ db, url: serverUrl, session, clock, resyncIntervalMs: 0, ...options });
      await device.sync.transport;
    },
    async goOffline() {
      const sync = device.sync;
      device.sync = null;
      await sync?.stop();
    },
    async disconnect() {
      const transport = await device.sync?.transport;
      transport?.disconnect();
    },
    async reconnect() {
      const transport = await device.sync?.transport;
      transport?.connect();
    },
    async tasks() {
      const docs = await db.tasks.find({ sort: [{ id: 'asc' }] }).exec();
      return docs.map((d) => d.toMutableJSON() as Task);
    },
    async close() {
      await device.goOffline();
      await db.remove();
    },
  };
  return device;
}

/** Devices of `account`, named `names`, online and caught up with the server. */
export async function onlineDevices(
  url: string,
  account: Account,
  names: string[],
  options?: Partial<SyncOptions>,
): Promise<Device[]> {
  const devices: Device[] = [];
  for (const name of names) devices.push(await createDevice(url, account, name));
  await Promise.all(devices.map((device) => device.goOnline(options)));
  await Promise.all(devices.map((device) => device.sync!.awaitInSync()));
  return devices;
}

/** Polls until `check` passes (sync is asynchronous by nature); fails with the last error. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw lastError;
}
