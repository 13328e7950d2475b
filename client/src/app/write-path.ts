import type { HybridLogicalClock } from '@taskmaster/shared-schema';
import { addRxPlugin } from 'rxdb/plugins/core';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import {
  createTaskActions,
  enableLocalDocuments,
  getDeviceClock,
  type TaskActions,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client/db';

export interface WritePath {
  clock: HybridLogicalClock;
  actions: TaskActions;
}

/**
 * Everything a write needs and the list does not: the local-documents plugin (the device clock's
 * node id and the pending-change state live there), the device clock and the db write helpers.
 * Loaded as its own chunk right after the tasks are on screen.
 *
 * The plugin is imported statically here, so it is fetched together with this chunk instead of
 * after it (`enableLocalDocuments` alone imports it only once this chunk runs): the first write
 * after a page load waits for one round of fetches, not two. That write keeps its text in the
 * quick-add box (and in sessionStorage) until it commits, so a reload meanwhile loses nothing.
 */
export async function openWritePath(db: TaskmasterDatabase): Promise<WritePath> {
  addRxPlugin(RxDBLocalDocumentsPlugin);
  await enableLocalDocuments(db);
  const clock = await getDeviceClock(db);
  performance.mark('taskmaster:write-path-ready');
  return { clock, actions: createTaskActions(db, clock) };
}
