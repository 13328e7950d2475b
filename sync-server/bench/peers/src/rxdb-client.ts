/**
 * An RxDB peer device in its own process: an RxDB 17 storage-memory database replicating its tasks
 * collection with `replicateWithWebsocketServer` (the plugin's own client), live.
 */
import { taskSchema, type Task } from '@taskmaster/shared-schema';
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb/plugins/core';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { replicateWithWebsocketServer } from 'rxdb/plugins/replication-websocket';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { peerTask } from './docs.js';
import { nowMs, serveRequests, type Json } from './ipc.js';

/** TaskMaster's task schema as a fresh collection (version 0: a peer has no older data to migrate). */
const peerSchema = { ...taskSchema, version: 0 } as unknown as RxJsonSchema<Task>;

let url = '';
let db: RxDatabase<{ tasks: RxCollection<Task> }> | undefined;
let replication: RxReplicationState<Task, unknown> | undefined;

const tasks = (): RxCollection<Task> => {
  if (!db) throw new Error('database is not open');
  return db.tasks;
};
const num = (value: Json | undefined, fallback?: number): number => {
  if (typeof value === 'number') return value;
  if (fallback !== undefined) return fallback;
  throw new Error('a number is required');
};

async function goOnline(batchSize: number): Promise<RxReplicationState<Task, unknown>> {
  replication = await replicateWithWebsocketServer({
    collection: tasks(),
    url,
    replicationIdentifier: `bench-${url}`,
    live: true,
    batchSize,
  });
  return replication;
}

const ipc = serveRequests({
  async open(args) {
    url = String(args.url);
    db = await createRxDatabase<{ tasks: RxCollection<Task> }>({
      name: `rxdb-${String(args.name)}-${process.pid}`,
      storage: getRxStorageMemory(),
      multiInstance: false,
    });
    await db.addCollections({ tasks: { schema: peerSchema } });
    return null;
  },
  async online(args) {
    const started = nowMs();
    const state = await goOnline(num(args.batchSize, 500));
    await state.awaitInSync();
    return nowMs() - started;
  },
  watch() {
    tasks().insert$.subscribe((event) => ipc.emit('seen', { id: event.documentId, t: nowMs() }));
    return null;
  },
  async write(args) {
    const started = nowMs();
    await tasks().insert(peerTask(String(args.id), num(args.i, 0)));
    return started;
  },
  async writeOffline(args) {
    const count = num(args.count);
    const started = nowMs();
    for (let i = 0; i < count; i++) await tasks().insert(peerTask(`${String(args.prefix)}-${i}`, i));
    await db?.requestIdlePromise();
    return nowMs() - started;
  },
  /** Pauses replication (the device is offline); local writes keep working. */
  async offline() {
    await replication?.pause();
    return null;
  },
  /** Resumes replication; stops when the server has acknowledged all `count` queued writes. */
  async pushAll(args) {
    const count = num(args.count);
    const state = replication;
    if (!state) throw new Error('not online');
    let acknowledged = 0;
    const acked = new Promise<void>((resolve, reject) => {
      const sub = state.sent$.subscribe(() => {
        acknowledged += 1;
        if (acknowledged >= count) {
          sub.unsubscribe();
          resolve();
        }
      });
      state.error$.subscribe((error) => reject(error));
    });
    const started = nowMs();
    await state.start();
    await acked;
    const elapsed = nowMs() - started;
    await state.awaitInSync();
    return elapsed;
  },
  async initialSync(args) {
    const count = num(args.count);
    const started = nowMs();
    const state = await goOnline(num(args.batchSize, 1000));
    await state.awaitInitialReplication();
    const elapsed = nowMs() - started;
    const pulled = await tasks().count().exec();
    if (pulled !== count) throw new Error(`initial sync pulled ${pulled} of ${count}`);
    return elapsed;
  },
  count: () => tasks().count().exec(),
  async close() {
    await replication?.cancel();
    await db?.remove();
    db = undefined;
    return null;
  },
});
