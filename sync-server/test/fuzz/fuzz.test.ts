import type { ChangeEvent, Task } from '@taskmaster/shared-schema';
import { describe, expect, it } from 'vitest';
import { createTask, deleteTask, restoreTask, updateTask } from '@taskmaster/sync-client';
import { createLocalFanout, type Fanout } from '../../src/fanout/fanout.js';
import { createDevice, eventually, registerAccount } from '../helpers/device.js';
import { startTestServer } from '../helpers/server.js';
import { runSimulation } from './simulation.js';

/**
 * Seeded sync simulation (rules R1-R4). `npm test` runs a few dozen seeds; set FUZZ_SEEDS for
 * more (e.g. `FUZZ_SEEDS=2000 npx vitest run sync-server/test/fuzz`), FUZZ_SEED to replay one,
 * FUZZ_FIRST_SEED to start elsewhere, FUZZ_STEPS for longer schedules. A failure prints the seed
 * and the operation log.
 */
const replay = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : undefined;
const first = Number(process.env.FUZZ_FIRST_SEED ?? 1);
const count = Number(process.env.FUZZ_SEEDS ?? 30);
const steps = Number(process.env.FUZZ_STEPS ?? 50);
const seeds = replay ?? Array.from({ length: count }, (_, i) => first + i);

describe('[R1][R2][R3][R4] sync simulation: 3 devices, faults, restarts', () => {
  it.each(seeds)(
    'seed %i converges with no lost write and no skipped checkpoint',
    async (seed) => {
      await runSimulation(seed, { steps });
    },
    60_000,
  );
});

/**
 * Seeds that failed once (80 steps). The failures depend on timing as well as on the schedule, so
 * these replay the schedule but not always the race; the deterministic tests below pin the causes.
 */
describe('sync simulation regressions', () => {
  const found = [
    [1045, 'device kept a stale copy of its own acknowledged edit'],
    [1109, 'undo of a delete reverted a newer local edit'],
    [1162, 'device kept a stale copy of another device’s edit, checkpoint past it'],
    [1221, 'device kept a stale copy of another device’s edit, checkpoint past it'],
  ] as const;
  it.each(found)(
    'seed %i (%s)',
    async (seed) => {
      await runSimulation(seed, { steps: 80 });
    },
    60_000,
  );
});

/**
 * Seed 73 (found 2026-11-29, fixed 2026-12-01). A device held an older state of a task than the
 * server, with its checkpoint past the change: RxDB believed the device had an unpushed write of
 * that task (its assumed master state was the one before the device's own edit) and so skipped
 * every later master state. Cause: the acknowledgement of the device's push arrived together with
 * the shutdown's `sync:reconnect`; the replication paused before RxDB looked at the result, and RxDB
 * drops a push result that arrives while paused without recording the pushed state. The push
 * handler now hands its result over only once the replication runs again
 * (`CollectionReplication.untilRunning`), and the digest verify (R9) repairs a device already stuck
 * that way by writing a per-field merge locally. Timing-dependent over real sockets: before the fix
 * it failed in about half of the runs here.
 */
describe('sync simulation regressions (real sockets)', () => {
  it('seed 73 (device kept an older title while its checkpoint was past the change)', async () => {
    await runSimulation(73, { steps: 50 });
  }, 60_000);
});

/** A fan-out that holds every message until the test delivers it. */
function heldFanout() {
  const inner = createLocalFanout();
  const held: [string, ChangeEvent][] = [];
  const control = { hold: false, held, deliver: (i: number) => inner.publish(...held[i]!) };
  const fanout: Fanout = {
    kind: 'local',
    attach: (io) => inner.attach(io),
    close: () => inner.close(),
    publish(userId, event) {
      if (control.hold) held.push([userId, event]);
      else inner.publish(userId, event);
    },
  };
  return { fanout, control };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync race regressions (found by the simulation, seeds 1045, 1162, 1221)', () => {
  // Regression (fixed): CollectionReplication.onChange used to feed a live event's documents
  // to RxDB when event.fromSeq equals knownSeq, even while a pull is in flight. RxDB persists the
  // pull (newer state) first and the queued event (older state) after it, overwriting the newer
  // state; once a later event moves the checkpoint on, no pull ever repairs it. Live documents are
  // now applied only while no pull is running or requested.
  it('[R2][R3] a live event that arrives while a pull is in flight never overwrites the newer pulled state', async () => {
    const { fanout, control } = heldFanout();
    const server = await startTestServer({ fanout });
    const account = await registerAccount(server.url);
    const a = await createDevice(server.url, account, 'a');
    const b = await createDevice(server.url, account, 'b');
    try {
      await a.goOnline();
      await b.goOnline();
      const task = await createTask(a.db, a.clock, { title: 'v1' });
      await eventually(async () => expect((await b.db.tasks.findOne(task.id).exec())?.title).toBe('v1'));
      await a.sync!.awaitInSync();
      await b.sync!.awaitInSync();

      // B's next pull waits on the server until the test opens the gate.
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      let pulls = 0;
      const pull = server.store.pull.bind(server.store);
      server.store.pull = async (...args) => {
        if (args[1] === 'tasks' && pulls++ === 0) await gate;
        return pull(...args);
      };
      control.hold = true;
      b.sync!.resync();
      await pause(50);
      await updateTask(a.db, a.clock, task.id, { title: 'v2' });
      await a.sync!.awaitInSync();
      await updateTask(a.db, a.clock, task.id, { title: 'v3' });
      await a.sync!.awaitInSync();
      expect(control.held).toHaveLength(2);

      control.deliver(0); // v2's event reaches B while B's pull is in flight...
      await pause(50);
      openGate(); // ...then the pull answers with v3...
      await pause(100);
      control.deliver(1); // ...then v3's event.
      control.hold = false;
      const other = await createTask(a.db, a.clock, { title: 'a later change moves the checkpoint on' });
      await eventually(async () => expect(await b.db.tasks.findOne(other.id).exec()).toBeTruthy());
      b.sync!.resync();
      await pause(100);
      await b.sync!.awaitInSync();
      expect((await b.db.tasks.findOne(task.id).exec())?.title).toBe('v3');
    } finally {
      await a.close();
      await b.close();
      await server.dispose();
    }
  }, 30_000);

  // Regression (fixed, seed 1109): restoreTask upserted the snapshot taken at delete time, with its
  // old field clocks, so a field edited after the task came back (restored by another device) and
  // not yet pushed was reverted locally and never reached the server. It now lifts the stored tombstone.
  it('[R1] undoing a delete never reverts a newer edit of the same task', async () => {
    const server = await startTestServer();
    const account = await registerAccount(server.url);
    const a = await createDevice(server.url, account, 'a');
    const b = await createDevice(server.url, account, 'b');
    try {
      await a.goOnline();
      await b.goOnline();
      const task = await createTask(a.db, a.clock, { title: 'Plan trip' });
      await eventually(async () => expect(await b.db.tasks.findOne(task.id).exec()).toBeTruthy());
      const snapshotOnB = (await b.db.tasks.findOne(task.id).exec())!.toMutableJSON() as Task;
      const snapshotOnA = (await a.db.tasks.findOne(task.id).exec())!.toMutableJSON() as Task;
      await deleteTask(a.db, a.clock, task.id);
      await eventually(async () => expect(await b.db.tasks.findOne(task.id).exec()).toBeNull());
      await restoreTask(b.db, b.clock, snapshotOnB); // B undoes... or restores from its own copy
      await eventually(async () => expect(await a.db.tasks.findOne(task.id).exec()).toBeTruthy());
      await a.sync!.awaitInSync();
      await a.disconnect();
      await updateTask(a.db, a.clock, task.id, { listId: 'project-x' });
      await restoreTask(a.db, a.clock, snapshotOnA); // A's late "undo" of its own delete
      await a.reconnect();
      await eventually(async () => {
        const doc = await server.store.getDoc(a.session.user!.id, 'tasks', task.id);
        expect(doc?.doc.listId).toBe('project-x');
      }, 3000);
    } finally {
      await a.close();
      await b.close();
      await server.dispose();
    }
  }, 30_000);
});
