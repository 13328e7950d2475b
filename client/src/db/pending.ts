import type { CollectionName } from '@taskmaster/shared-schema';
import { map, type Observable } from 'rxjs';
import type { TaskmasterDatabase } from './database.js';

const KEY = 'sync-pending';

interface PendingState {
  /** `collection:id` -> `updatedAt` of the newest local write not yet acknowledged by the server. */
  entries: Record<string, number>;
}

const queues = new WeakMap<TaskmasterDatabase, Promise<void>>();

/**
 * Local writes waiting for the server, kept in a local (never replicated) document so the count
 * survives reloads and is the same in every tab. Updates are queued per database so they never race
 * each other inside one tab; across tabs RxDB's revision check makes `incrementalModify` retry.
 */
function modify(db: TaskmasterDatabase, change: (entries: Record<string, number>) => void): Promise<void> {
  const run = async () => {
    const doc = await db.getLocal<PendingState>(KEY);
    if (doc) {
      await doc.incrementalModify((data) => {
        const entries = { ...data.entries };
        change(entries);
        return { entries };
      });
      return;
    }
    const entries: Record<string, number> = {};
    change(entries);
    try {
      await db.insertLocal<PendingState>(KEY, { entries });
    } catch {
      // Another tab created it first: apply the change to its document instead.
      const existing = await db.getLocal<PendingState>(KEY);
      await existing?.incrementalModify((data) => {
        const merged = { ...data.entries };
        change(merged);
        return { entries: merged };
      });
    }
  };
  const next = (queues.get(db) ?? Promise.resolve()).then(run, run);
  queues.set(
    db,
    next.catch(() => undefined),
  );
  return next;
}

/** Records a local write of `collection/id` made at `updatedAt`. */
export function markPending(db: TaskmasterDatabase, collection: CollectionName, id: string, updatedAt: number): Promise<void> {
  return modify(db, (entries) => {
    const key = `${collection}:${id}`;
    entries[key] = Math.max(entries[key] ?? 0, updatedAt);
  });
}

/** Forgets writes the server acknowledged: those not newer than the acknowledged document. */
export function clearPending(db: TaskmasterDatabase, collection: CollectionName, acked: { id: string; updatedAt: number }[]): Promise<void> {
  return modify(db, (entries) => {
    for (const doc of acked) {
      const key = `${collection}:${doc.id}`;
      if (entries[key] !== undefined && entries[key] <= doc.updatedAt) delete entries[key];
    }
  });
}

/** The number of local changes not yet pushed, live. */
export function pendingCount$(db: TaskmasterDatabase): Observable<number> {
  return db.getLocal$<PendingState>(KEY).pipe(map((doc) => Object.keys((doc?.get('entries') as PendingState['entries'] | undefined) ?? {}).length));
}
