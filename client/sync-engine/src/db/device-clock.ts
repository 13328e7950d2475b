import { HybridLogicalClock } from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';

const clocks = new WeakMap<TaskmasterDatabase, Promise<HybridLogicalClock>>();

function randomNodeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The device's hybrid logical clock. Its node id is stored in the local database, so it stays the
 * same across reloads and is shared by all tabs of one browser profile. Sync corrects it by the
 * server's time on every connection (`sync:hello`, rule R8); the correction is not stored, so a
 * device whose clock is fixed later never stamps in the past.
 *
 * `wallClock` (tests: a device whose clock is wrong) is used when the clock is first made for `db`.
 */
export function getDeviceClock(
  db: TaskmasterDatabase,
  options: { wallClock?: () => number } = {},
): Promise<HybridLogicalClock> {
  let clock = clocks.get(db);
  if (!clock) {
    clock = (async () => {
      const existing = await db.getLocal<{ nodeId: string }>('device');
      let nodeId = existing?.get('nodeId') as string | undefined;
      if (!nodeId) {
        nodeId = randomNodeId();
        await db.upsertLocal('device', { nodeId });
      }
      return new HybridLogicalClock(nodeId, options.wallClock);
    })();
    clocks.set(db, clock);
  }
  return clock;
}
