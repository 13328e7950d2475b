import { listSchema, taskSchema, type Task } from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';
import type { RxDocument } from 'rxdb/plugins/core';

/**
 * The first screen of a view, shown at start-up before every task has been read.
 *
 * At 10,000 tasks the list's start-up read takes most of a second: IndexedDB hands over every
 * document, because the manual order (a fractional `order`) cannot be an index (RxDB indexes a
 * number only with a `multipleOf`, which the schema cannot promise). So each tab remembers the ids
 * of the rows at the top of the view it shows, once nothing has changed since those rows were
 * computed. At start-up the app reads just those documents by id and shows them in that order,
 * while the full read runs; the counts say they are still loading until it is done.
 *
 * It can never show a wrong first screen for longer than the full read takes, and normally never:
 * - any change to tasks or lists, from this tab, another tab or the server, forgets the saved rows
 *   at once (every write reaches every tab's RxDB as a change bulk, {@link watchChanges});
 * - a tab saves rows only from a view computed after the last change it has seen;
 * - the saved rows are used only for the same view, the same day (views depend on the date), the
 *   same schema versions, and only if every one of those documents is still there.
 * Only ids are stored (in localStorage, per user); sign-out removes them with the local data.
 */

/** Rows remembered and shown first: one screenful, as many as the list renders before its virtualizer loads. */
export const FIRST_SCREEN_ROWS = 40;

const KEY_PREFIX = 'taskmaster:first-screen:';
const SCHEMAS = `${taskSchema.version}.${listSchema.version}`;

interface Saved {
  schemas: string;
  /** {@link viewKey}: the view and its day. */
  view: string;
  ids: string[];
}

/** Change bulks of tasks and lists seen by this tab: a view computed before the latest one is not saved. */
let changesSeen = 0;

export function changeCount(): number {
  return changesSeen;
}

function storageKey(userId: string): string {
  return `${KEY_PREFIX}${userId}`;
}

function forget(userId: string): void {
  try {
    window.localStorage.removeItem(storageKey(userId));
  } catch {
    // Storage unavailable (private mode quotas): nothing was saved either.
  }
}

/** Whether a change bulk changed tasks or lists (not local documents): what a view can reflect. */
export function isTaskOrListChange(bulk: { isLocal: boolean; collectionName?: string | undefined }): boolean {
  return !bulk.isLocal && (bulk.collectionName === 'tasks' || bulk.collectionName === 'lists');
}

/** Forgets the saved first screen on every change to tasks or lists; returns the unsubscribe. */
export function watchChanges(db: TaskmasterDatabase, userId: string): () => void {
  const subscription = db.eventBulks$.subscribe((bulk) => {
    if (!isTaskOrListChange(bulk)) return;
    changesSeen += 1;
    forget(userId);
  });
  return () => subscription.unsubscribe();
}

/**
 * Saves the ids of the first {@link FIRST_SCREEN_ROWS} `rows` of `view`, as computed from data that
 * reflected `seenAt` changes; does nothing if a change arrived since (its own update of the view
 * will save again).
 */
export function saveFirstScreen(userId: string, view: string, rows: readonly { id: string }[], seenAt: number): void {
  if (seenAt !== changesSeen) return;
  const value: Saved = { schemas: SCHEMAS, view, ids: rows.slice(0, FIRST_SCREEN_ROWS).map((row) => row.id) };
  try {
    window.localStorage.setItem(storageKey(userId), JSON.stringify(value));
  } catch {
    // Quota or privacy settings: start-up then reads every task first, as without this.
  }
}

/** Removes every user's saved first screen (sign-out). */
export function forgetAllFirstScreens(): void {
  for (const key of Object.keys(window.localStorage))
    if (key.startsWith(KEY_PREFIX)) window.localStorage.removeItem(key);
}

function readSaved(userId: string): Saved | null {
  try {
    const raw: unknown = JSON.parse(window.localStorage.getItem(storageKey(userId)) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return null;
    const { schemas, view, ids } = raw as Record<string, unknown>;
    if (typeof schemas !== 'string' || typeof view !== 'string') return null;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) return null;
    return { schemas, view, ids: ids as string[] };
  } catch {
    return null;
  }
}

/**
 * The saved first rows of `view` ({@link viewKey}), read by id from the local database, in their
 * saved order; null when nothing usable is saved. Call it before anything can write to the database.
 */
export async function readFirstScreen(
  db: TaskmasterDatabase,
  userId: string,
  view: string,
): Promise<RxDocument<Task>[] | null> {
  const saved = readSaved(userId);
  if (!saved || saved.schemas !== SCHEMAS || saved.view !== view) return null;
  const found = await db.tasks.findByIds(saved.ids).exec();
  const docs: RxDocument<Task>[] = [];
  for (const id of saved.ids) {
    const doc = found.get(id);
    // A missing document means a change this tab's watcher did not see: read everything instead.
    if (!doc) return null;
    docs.push(doc);
  }
  return docs;
}

/**
 * The key of a view: its scope, status filter, sort and day (the views depend on the date). Search
 * is not part of it: a searched view is never saved. `useTaskView` keys its live view by it too.
 */
export function viewKey(view: { scope: unknown; status: string; sort: string; today: string }): string {
  return JSON.stringify([view.scope, view.status, view.sort, view.today]);
}
