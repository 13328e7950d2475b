/**
 * A TaskMaster device in its own process: the real sync engine (`@taskmaster/sync-client`) on
 * RxDB storage-memory, signed in through the real REST session, replicating over Socket.IO.
 */
import { COLLECTION_NAMES, type HybridLogicalClock } from '@taskmaster/shared-schema';
import {
  createSession,
  createTask,
  createTaskmasterDatabase,
  getDeviceClock,
  memorySessionStore,
  socketOf,
  startSync,
  type Session,
  type SyncHandle,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { nowMs, serveRequests, type Json } from './ipc.js';

let url = '';
let db: TaskmasterDatabase | undefined;
let clock: HybridLogicalClock | undefined;
let session: Session | undefined;
let sync: SyncHandle | undefined;

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is not open`);
  return value;
};

const str = (value: Json | undefined, what: string): string => {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  return value;
};
const num = (value: Json | undefined, fallback?: number): number => {
  if (typeof value === 'number') return value;
  if (fallback !== undefined) return fallback;
  throw new Error('a number is required');
};

function goOnline(pullBatchSize?: number): SyncHandle {
  sync = startSync({
    db: need(db, 'database'),
    url,
    session: need(session, 'session'),
    clock: need(clock, 'clock'),
    resyncIntervalMs: 0,
    pullBatchSize,
  });
  return sync;
}

const ipc = serveRequests({
  async open(args) {
    url = str(args.url, 'url');
    db = await createTaskmasterDatabase({
      name: `tm-${str(args.name, 'name')}-${process.pid}`,
      storage: getRxStorageMemory(),
    });
    clock = await getDeviceClock(db);
    session = createSession({ baseUrl: url, store: memorySessionStore() });
    return null;
  },
  /** The device signs in (REST + scrypt on the server); timed on its own, never inside a sync figure. */
  async signIn(args) {
    const started = nowMs();
    await need(session, 'session').signIn(str(args.email, 'email'), str(args.password, 'password'));
    return nowMs() - started;
  },
  /** Connects and waits until both collections are in sync. */
  async online(args) {
    const started = nowMs();
    const handle = goOnline(typeof args.pullBatchSize === 'number' ? args.pullBatchSize : undefined);
    await handle.awaitInSync();
    return nowMs() - started;
  },
  watch() {
    need(db, 'database').tasks.insert$.subscribe((event) => ipc.emit('seen', { id: event.documentId, t: nowMs() }));
    return null;
  },
  /** One local write through the app's write path; returns when the write started. */
  async write(args) {
    const started = nowMs();
    await createTask(need(db, 'database'), need(clock, 'clock'), {
      id: str(args.id, 'id'),
      title: `propagation ${num(args.i, 0)}`,
    });
    return started;
  },
  /** `count` local writes one by one while not connected (queued offline). */
  async writeOffline(args) {
    const count = num(args.count);
    const prefix = str(args.prefix, 'prefix');
    const started = nowMs();
    for (let i = 0; i < count; i++) {
      await createTask(need(db, 'database'), need(clock, 'clock'), {
        id: `${prefix}-${i}`,
        title: `Task ${i} with a realistic title`,
        notes: 'Some notes about the task, a sentence or two long.',
        priority: 'medium',
        dueDate: '2026-12-24',
        tags: ['work', 'bench'],
        order: i,
      });
    }
    await need(db, 'database').requestIdlePromise();
    return nowMs() - started;
  },
  /** Drops the connection as a network loss would (replication pauses, checkpoints stay). */
  async offline() {
    socketOf(await need(sync, 'sync').transport).disconnect();
    return null;
  },
  /**
   * Reconnects and pushes what was queued offline; the clock stops on the server's own word: it
   * announces each committed push to the user's room (this device included) before acknowledging,
   * and a fresh account's task sequence reaches `count` exactly when the last write is durable.
   */
  async pushAll(args) {
    const count = num(args.count);
    const handle = need(sync, 'sync');
    const socket = socketOf(await handle.transport);
    const committed = new Promise<void>((resolve) => {
      const onChanges = (event: { collection: string; toSeq: number }) => {
        if (event.collection !== 'tasks' || event.toSeq < count) return;
        socket.off('sync:changes', onChanges);
        resolve();
      };
      socket.on('sync:changes', onChanges);
    });
    const started = nowMs();
    socket.connect();
    await committed;
    const elapsed = nowMs() - started;
    await handle.awaitInSync();
    return elapsed;
  },
  /** A signed-in device with an empty database connects and pulls everything. */
  async initialSync(args) {
    const count = num(args.count);
    const started = nowMs();
    const handle = goOnline(num(args.pullBatchSize, 1000));
    await handle.awaitInSync();
    const elapsed = nowMs() - started;
    const pulled = await need(db, 'database').tasks.count().exec();
    if (pulled !== count) throw new Error(`initial sync pulled ${pulled} of ${count}`);
    return elapsed;
  },
  async count() {
    return need(db, 'database').tasks.count().exec();
  },
  async close() {
    await sync?.stop();
    sync = undefined;
    await db?.remove();
    db = undefined;
    return COLLECTION_NAMES.length;
  },
});
