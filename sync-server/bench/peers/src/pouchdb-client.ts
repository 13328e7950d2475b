/**
 * A PouchDB peer device in its own process: a local in-memory PouchDB syncing with the server's
 * database over CouchDB's HTTP replication protocol (PouchDB's own replicator).
 */
import { peerTask } from './docs.js';
import { nowMs, serveRequests, type Json } from './ipc.js';
import { MemoryPouchDB, PouchDB, type PouchDatabase, type PouchEmitter } from './pouch.js';

let local: PouchDatabase | undefined;
let remote: PouchDatabase | undefined;
const running: PouchEmitter<unknown>[] = [];

const need = (): { local: PouchDatabase; remote: PouchDatabase } => {
  if (!local || !remote) throw new Error('database is not open');
  return { local, remote };
};
const num = (value: Json | undefined, fallback?: number): number => {
  if (typeof value === 'number') return value;
  if (fallback !== undefined) return fallback;
  throw new Error('a number is required');
};
const pouchDoc = (id: string, i: number): Record<string, unknown> => {
  const { id: _id, ...rest } = peerTask(id, i);
  return { _id, ...rest };
};

const ipc = serveRequests({
  open(args) {
    local = new MemoryPouchDB(`pouch-${String(args.name)}-${process.pid}`);
    remote = new PouchDB(String(args.url));
    return null;
  },
  /** Live two-way sync, as an app keeps it; resolves when the first catch-up has paused. */
  async online(args) {
    const { local, remote } = need();
    const started = nowMs();
    await new Promise<void>((resolve, reject) => {
      const sync = local.sync(remote, { live: true, retry: true, batch_size: num(args.batchSize, 500) });
      running.push(sync as PouchEmitter<unknown>);
      sync.on('paused', () => resolve());
      sync.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
    });
    return nowMs() - started;
  },
  watch() {
    const feed = need().local.changes({ live: true, since: 'now' });
    running.push(feed as PouchEmitter<unknown>);
    feed.on('change', (change) => ipc.emit('seen', { id: change.id, t: nowMs() }));
    return null;
  },
  async write(args) {
    const started = nowMs();
    await need().local.put(pouchDoc(String(args.id), num(args.i, 0)));
    return started;
  },
  async writeOffline(args) {
    const { local } = need();
    const count = num(args.count);
    const started = nowMs();
    for (let i = 0; i < count; i++) await local.put(pouchDoc(`${String(args.prefix)}-${i}`, i));
    return nowMs() - started;
  },
  /** Stops the live sync (the device is offline); its checkpoints stay. */
  offline() {
    running.splice(0).forEach((emitter) => emitter.cancel());
    return null;
  },
  /** Replicates what was written while offline; resolves when the server has written all `count`. */
  async pushAll(args) {
    const { local, remote } = need();
    const started = nowMs();
    const info = await local.replicate.to(remote, { batch_size: num(args.batchSize, 500) });
    const elapsed = nowMs() - started;
    if (info.docs_written < num(args.count)) throw new Error(`pushed ${info.docs_written} of ${String(args.count)}`);
    return elapsed;
  },
  /** A fresh device replicates everything from the server. */
  async initialSync(args) {
    const { local, remote } = need();
    const count = num(args.count);
    const started = nowMs();
    await local.replicate.from(remote, { batch_size: num(args.batchSize, 1000) });
    const elapsed = nowMs() - started;
    const pulled = (await local.info()).doc_count;
    if (pulled !== count) throw new Error(`initial sync pulled ${pulled} of ${count}`);
    return elapsed;
  },
  count: async () => (await need().local.info()).doc_count,
  async close() {
    running.splice(0).forEach((emitter) => emitter.cancel());
    await local?.destroy();
    local = undefined;
    return null;
  },
});
