import { addRxPlugin, type RxStorage } from 'rxdb/plugins/core';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { createTaskmasterDatabase, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import type { Task } from '@taskmaster/shared-schema';
import { localDay } from '../features/tasks/task-query';
import { readFirstScreen, viewKey, watchChanges } from './first-screen';
import { parseScope, readViewPrefs, viewSort } from './route';
import { ALL_TASKS_QUERY, plainDocument } from './task-store';
import type { WritePath } from './write-path';

let devModeReady: Promise<void> | undefined;

/** dev-mode and schema validation only in development builds; both are dropped from production bundles. */
async function storageForEnvironment(): Promise<RxStorage<unknown, unknown>> {
  const dexie = getRxStorageDexie() as RxStorage<unknown, unknown>;
  if (!import.meta.env.DEV) return dexie;
  devModeReady ??= import('rxdb/plugins/dev-mode').then(({ RxDBDevModePlugin, disableWarnings }) => {
    disableWarnings();
    addRxPlugin(RxDBDevModePlugin);
  });
  await devModeReady;
  const { wrappedValidateAjvStorage } = await import('rxdb/plugins/validate-ajv');
  return wrappedValidateAjvStorage({ storage: dexie }) as RxStorage<unknown, unknown>;
}

/** One IndexedDB database per user on this device, so signing out can remove exactly that user's data. */
export function databaseName(userId: string): string {
  return `taskmaster-${userId.toLowerCase().replace(/[^a-z0-9_-]/g, '_')}`;
}

export interface OpenedDatabase {
  db: TaskmasterDatabase;
  /**
   * The write path (local documents, device clock, write helpers): not needed to show the tasks, so
   * it loads on first use; the workspace asks for it as soon as the list is on screen.
   */
  writable(): Promise<WritePath>;
  /**
   * The first rows of the view the page opens on, read by id when this tab saved them last time and
   * nothing changed since (first-screen.ts); null otherwise. Shown until every task has been read.
   */
  firstScreen: readonly Task[] | null;
}

const opening = new Map<string, Promise<OpenedDatabase>>();

/**
 * Opens the signed-in user's local database (shared by every tab through multiInstance). Memoized,
 * so main.tsx can start opening IndexedDB before React's first render and the workspace picks up
 * the same promise.
 */
export function openUserDatabase(userId: string): Promise<OpenedDatabase> {
  let promise = opening.get(userId);
  if (!promise) {
    promise = (async () => {
      const db = await createTaskmasterDatabase({
        name: databaseName(userId),
        storage: await storageForEnvironment(),
        multiInstance: true,
        deferLocalDocuments: true,
      });
      // Before anything can write: every change from here on forgets the saved first screen.
      const stopWatching = watchChanges(db, userId);
      db.onClose.push(stopWatching);
      const scope = parseScope(window.location.hash);
      const prefs = readViewPrefs();
      const firstDocs = await readFirstScreen(
        db,
        userId,
        viewKey({ scope, status: prefs.status, sort: viewSort(scope, prefs), today: localDay() }),
      ).catch(() => null);
      const firstScreen = firstDocs?.map((doc) => plainDocument<Task>(doc)) ?? null;
      // Run the list's first queries now: RxDB caches the query results, so the workspace's task
      // store and lists subscription get them at once instead of waiting on IndexedDB again. With a
      // first screen to show, the 10,000-task read starts only with the task store, after it is shown:
      // its result takes the main thread for a few hundred ms, which would delay that first paint.
      const lists = db.lists.find().exec();
      if (firstScreen) await lists;
      else await Promise.all([db.tasks.find(ALL_TASKS_QUERY).exec(), lists]);
      let writePath: Promise<WritePath> | undefined;
      const writable = () => (writePath ??= import('./write-path').then((m) => m.openWritePath(db)));
      return { db, writable, firstScreen };
    })();
    opening.set(userId, promise);
    promise.catch(() => opening.delete(userId));
  }
  return promise;
}

/** Closes the user's database and forgets it, so the next open starts afresh. */
export async function closeUserDatabase(userId: string, opened: OpenedDatabase): Promise<void> {
  if (opening.get(userId) && (await opening.get(userId)) === opened) opening.delete(userId);
  if (!opened.db.closed) await opened.db.close();
}
