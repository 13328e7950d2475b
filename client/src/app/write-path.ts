import type { HybridLogicalClock } from '@taskmaster/shared-schema';
import { enableLocalDocuments, getDeviceClock, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { createTaskActions, type TaskActions } from './task-actions';

export interface WritePath {
  clock: HybridLogicalClock;
  actions: TaskActions;
}

/**
 * Everything a write needs and the list does not: the local-documents plugin (the device clock's
 * node id and the pending-change state live there), the device clock and the db write helpers.
 * Loaded as its own chunk right after the tasks are on screen.
 */
export async function openWritePath(db: TaskmasterDatabase): Promise<WritePath> {
  await enableLocalDocuments(db);
  const clock = await getDeviceClock(db);
  return { clock, actions: createTaskActions(db, clock) };
}
