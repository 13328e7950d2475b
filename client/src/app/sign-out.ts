import type { Session } from '@taskmaster/sync-client/session';
import { forgetAllFirstScreens } from './first-screen';
import { closeUserDatabase, databaseName, type OpenedDatabase } from './open-database';

function deleteIndexedDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve();
    // Another tab still holding a connection blocks deletion; it reloads on sign-out and lets go.
    request.onblocked = () => window.setTimeout(resolve, 2000);
  });
}

/**
 * Sign-out: removes the user's documents and replication checkpoints (RxDB empties its stores), then
 * deletes the emptied IndexedDB databases themselves, so nothing of that account stays on the device.
 */
async function removeUserDatabase(userId: string, opened: OpenedDatabase): Promise<void> {
  // The local-documents plugin must be loaded for `remove()` to delete its store too.
  await opened.writable();
  await opened.db.remove();
  await closeUserDatabase(userId, opened);
  if (typeof indexedDB.databases !== 'function') return;
  const prefix = `rxdb-dexie-${databaseName(userId)}--`;
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith(prefix));
  await Promise.all(names.map(deleteIndexedDb));
}

/**
 * Signing out of this device (loaded when the user signs out, not with the list): stop sync, remove
 * the user's local data, revoke the session, and forget the last-sync times.
 */
export async function signOutOfDevice(options: {
  userId: string;
  opened: OpenedDatabase | null;
  session: Session;
  stopSync: () => Promise<void>;
}): Promise<void> {
  const { userId, opened, session, stopSync } = options;
  await stopSync();
  try {
    // Signing out removes this user's local data (and replication checkpoints) from the device.
    if (opened) await removeUserDatabase(userId, opened);
  } finally {
    await session.signOut();
  }
  for (const key of Object.keys(window.localStorage))
    if (key.startsWith('taskmaster:last-sync:')) window.localStorage.removeItem(key);
  // The ids of the rows last on screen go with the data they point to.
  forgetAllFirstScreens();
}
