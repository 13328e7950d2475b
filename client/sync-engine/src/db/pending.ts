import { jsonEqual, type CollectionName } from '@taskmaster/shared-schema';
import { distinctUntilChanged, filter, map, startWith, switchMap, type Observable } from 'rxjs';
import type { TaskmasterDatabase } from './database.js';

const KEY = 'sync-pending';
/** Marks and acknowledgements within this window are written as one local-document update. */
const FLUSH_DELAY_MS = 50;

interface PendingState {
  /** `collection:id` -> `updatedAt` of the newest local write not yet acknowledged by the server. */
  entries: Record<string, number>;
}

type Change = (entries: Record<string, number>) => void;

interface Queue {
  changes: Change[];
  timer: ReturnType<typeof setTimeout> | null;
  writing: Promise<void>;
}

const queues = new WeakMap<TaskmasterDatabase, Queue>();

async function apply(db: TaskmasterDatabase, changes: Change[]): Promise<void> {
  const run = (entries: Record<string, number>) => {
    const next = { ...entries };
    changes.forEach((change) => change(next));
    return next;
  };
  let doc = await db.getLocal<PendingState>(KEY);
  if (!doc) {
    try {
      await db.insertLocal<PendingState>(KEY, { entries: run({}) });
      return;
    } catch {
      // Another tab created it first: apply the changes to its document instead.
      doc = await db.getLocal<PendingState>(KEY);
      if (!doc) return;
    }
  }
  const current = doc.get('entries') as PendingState['entries'];
  if (jsonEqual(run(current), current)) return; // a write acknowledged within the window: nothing to store
  await doc.incrementalModify((data) => ({ entries: run(data.entries) }));
}

/**
 * Local writes waiting for the server, kept in a local (never replicated) document so the count
 * survives reloads and is the same in every tab. Changes are applied in call order and coalesced
 * for a few milliseconds, so a write that is acknowledged quickly costs no extra storage write;
 * across tabs RxDB's revision check makes `incrementalModify` retry.
 */
function enqueue(db: TaskmasterDatabase, change: Change): void {
  let queue = queues.get(db);
  if (!queue) {
    queue = { changes: [], timer: null, writing: Promise.resolve() };
    queues.set(db, queue);
  }
  queue.changes.push(change);
  if (queue.timer) return;
  const q = queue;
  q.timer = setTimeout(() => {
    q.timer = null;
    const changes = q.changes.splice(0);
    q.writing = q.writing.then(() => apply(db, changes)).catch(() => undefined);
  }, FLUSH_DELAY_MS);
}

/** Resolves once every change enqueued so far is stored (tests, sign-out). */
export async function flushPending(db: TaskmasterDatabase): Promise<void> {
  const queue = queues.get(db);
  if (!queue) return;
  if (queue.timer) {
    clearTimeout(queue.timer);
    queue.timer = null;
    const changes = queue.changes.splice(0);
    queue.writing = queue.writing.then(() => apply(db, changes)).catch(() => undefined);
  }
  await queue.writing;
}

/** Records a local write of `collection/id` made at `updatedAt`. */
export function markPending(db: TaskmasterDatabase, collection: CollectionName, id: string, updatedAt: number): void {
  enqueue(db, (entries) => {
    const key = `${collection}:${id}`;
    entries[key] = Math.max(entries[key] ?? 0, updatedAt);
  });
}

/** Forgets writes the server acknowledged: those not newer than the acknowledged document. */
export function clearPending(
  db: TaskmasterDatabase,
  collection: CollectionName,
  acked: { id: string; updatedAt: number }[],
): void {
  enqueue(db, (entries) => {
    for (const doc of acked) {
      const key = `${collection}:${doc.id}`;
      if (entries[key] !== undefined && entries[key] <= doc.updatedAt) delete entries[key];
    }
  });
}

/**
 * The number of local changes not yet pushed, live (this tab's writes and other tabs').
 *
 * Watches the database's change bulks, not RxDB's `getLocal$`: that runs an async step for every
 * change event of every collection, and RxJS removes each finished step from an array of all the
 * pending ones, so a pulled batch of 1,000 documents cost about half a million array moves (92 ms of
 * the 10,000-document initial sync's client CPU, FINDINGS §10). Here a bulk is one check, and only
 * a bulk that changed this document reads it again.
 */
export function pendingCount$(db: TaskmasterDatabase): Observable<number> {
  return db.eventBulks$.pipe(
    filter((bulk) => bulk.isLocal && !bulk.collectionName && bulk.events.some((event) => event.documentId === KEY)),
    startWith(null),
    switchMap(() => db.getLocal<PendingState>(KEY)),
    map((doc) => Object.keys((doc?.get('entries') as PendingState['entries'] | undefined) ?? {}).length),
    distinctUntilChanged(),
  );
}
