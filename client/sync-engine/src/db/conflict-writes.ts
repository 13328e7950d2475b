import {
  encodeConflictValue,
  FIELD_LIMITS,
  type ConflictRecord,
  type HybridLogicalClock,
} from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import type { TaskPatch } from './mutations.js';
import { markPending } from './pending.js';

/**
 * Restore from the conflict log (R4): puts `conflict`'s lost value back as a new edit (`patch`, the
 * decoded value of that field, plus `completedAt` for a status) and, in the same write, replaces the
 * entry with one for the value this edit replaces, so the notice can say what happened and offer to
 * bring that value back. One write, because the server logs the replaced value only when the entry
 * arrives with the edit that replaced it (and only if it is exactly that value and those clocks).
 */
export async function restoreConflict(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  id: string,
  conflict: ConflictRecord,
  patch: TaskPatch,
): Promise<void> {
  const doc = await db.tasks.findOne(id).exec();
  if (!doc) throw new Error(`task ${id} not found`);
  const field = conflict.field as keyof TaskPatch;
  if (!(field in patch)) throw new Error(`restoring ${conflict.field} needs a value for it`);
  let written = 0;
  await doc.incrementalModify((data) => {
    const at = clock.now();
    written = Date.now();
    const replacedClock = data.clocks[field];
    const others = data.conflicts.filter((c) => !(c.field === conflict.field && c.lostClock === conflict.lostClock));
    const replaced: ConflictRecord[] = replacedClock
      ? [{ field, lostValue: encodeConflictValue(data[field]), lostClock: replacedClock, winnerClock: at }]
      : [];
    return {
      ...data,
      ...patch,
      updatedAt: written,
      clocks: { ...data.clocks, ...Object.fromEntries(Object.keys(patch).map((key) => [key, at])) },
      conflicts: [...others, ...replaced].slice(-FIELD_LIMITS.conflictEntries),
    };
  });
  markPending(db, 'tasks', id, written);
}
