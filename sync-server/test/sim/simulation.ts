import { createHash } from 'node:crypto';
import FakeTimers from '@sinonjs/fake-timers';
import { HybridLogicalClock, TaskmasterError, type Task } from '@taskmaster/shared-schema';
import { Prng } from '@taskmaster/shared-schema/testing';
import {
  completeOccurrence,
  createMemoryTransport,
  createTask,
  createTaskmasterDatabase,
  deleteTask,
  restoreTask,
  startSync,
  updateTask,
  type SyncHandle,
  type TaskmasterDatabase,
  type TaskPatch,
  type TokenSource,
} from '@taskmaster/sync-client';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Fanout } from '../../src/fanout/fanout.js';
import { SyncService } from '../../src/replication/sync-service.js';
import { createMemoryDocumentStore, type DocumentStore } from '../../src/store/index.js';
import { describeDoc, normalize, randomPatch, stable, TITLES } from '../helpers/sim-docs.js';
import { SimNetwork, type FaultRates } from './network.js';

/**
 * The deterministic sync simulation (DESIGN "How correctness is tested"; models: tldraw's
 * TestServer + syncFuzz, Yjs's random tests). Several devices run the real engine (RxDB on
 * storage-memory, the real replication) against the real `SyncService` and an in-memory store,
 * connected by the in-memory transport. Every source of order is drawn from the seed: which
 * message moves next in either direction, which change hints are dropped, duplicated or overtaken,
 * disconnects, reloads, server restarts, and time itself (fake timers; RxDB's and the engine's
 * timers fire only when the simulation advances the clock). So a seed replays the same
 * interleaving on any machine, and `hash` proves it.
 */
export interface SimulationOptions {
  steps?: number;
  devices?: number;
  maxLiveTasks?: number;
  restarts?: boolean;
  faults?: FaultRates;
  /** Ticks (1 ms of simulated time each) an operation or a barrier may take before the run fails. */
  maxTicks?: number;
  /** Keep the full delivery log (slower); the operation log is always kept. */
  traceDeliveries?: boolean;
  /**
   * What a barrier does when a device still differs after pulling: `fail` (default: a divergence
   * is a bug, report it) or `repair` (let the digest verify repair it, then require identity).
   */
  onDivergence?: 'fail' | 'repair';
  /** Corrupt a device's copy behind its checkpoint now and then (to exercise the repair). */
  corruptions?: boolean;
  /**
   * Repeating tasks: some steps make a task repeat, or complete its occurrence on several devices
   * at once (each creates the next occurrence with the same derived id and clocks). Off by default,
   * so the other seed sets keep their schedules.
   */
  repeats?: boolean;
}

export interface SimulationResult {
  seed: number;
  log: string[];
  stats: Record<string, number>;
  /** SHA-256 over the operation log and every final document: equal for equal runs. */
  hash: string;
}

const DEFAULTS = {
  steps: 40,
  devices: 3,
  maxLiveTasks: 6,
  restarts: true,
  faults: { drop: 0.15, duplicate: 0.1 },
  maxTicks: 200_000,
  traceDeliveries: false,
  onDivergence: 'fail' as 'fail' | 'repair',
  corruptions: false,
  repeats: false,
};

const REPEATS = ['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=MONTHLY;BYMONTHDAY=31', 'FREQ=DAILY;COUNT=2'];
const REPEAT_DUE = ['2030-01-01', '2030-01-30', '2030-02-28'];

/** Simulated time starts here (a fixed instant, so stamps are the same on every run). */
const EPOCH = Date.UTC(2030, 0, 1);

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(
    readonly seed: number,
    readonly log: string[],
    override readonly cause: unknown,
    readonly steps: number,
  ) {
    super(
      `deterministic simulation failed for seed ${seed}: ${cause instanceof Error ? cause.message : String(cause)}\n` +
        `replay: SIM_SEED=${seed} SIM_STEPS=${steps} npx vitest run sync-server/test/sim  (add SIM_TRACE=1 for every delivery)\n` +
        `--- operation log (seed ${seed}, last 400 lines) ---\n${log.slice(-400).join('\n')}\n--- cause ---\n${
          cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)
        }`,
    );
  }
}

class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** RxDB's hash, computed synchronously (WebCrypto would complete outside the schedule). */
const syncHash = (input: string | ArrayBuffer | Blob) => {
  if (typeof input !== 'string') throw new Error('the simulation hashes strings only');
  return Promise.resolve(createHash('sha256').update(input).digest('hex'));
};

interface SimDevice {
  name: string;
  db: TaskmasterDatabase;
  dbName: string;
  clock: HybridLogicalClock;
  sync: SyncHandle | null;
  /** Logically connected (the schedule has not disconnected it). */
  connected: boolean;
  trash: Task[];
}

let warmed: Promise<void> | undefined;

/**
 * Loads, on real time, everything the engine would otherwise load lazily during the first run
 * (RxDB's dynamic plugin imports, the replication code paths), so module loading, which waits on
 * real I/O, never happens while the seeded clock is ticking.
 */
function warmUp(): Promise<void> {
  warmed ??= (async () => {
    const db = await createTaskmasterDatabase({
      name: `sim-warm-up-${process.pid}`,
      storage: getRxStorageMemory(),
      hashFunction: syncHash,
    });
    const clock = new HybridLogicalClock('warm');
    await createTask(db, clock, { id: 'w', title: 'warm up' });
    await updateTask(db, clock, 'w', { title: 'warmed' });
    await deleteTask(db, clock, 'w');
    // Completing a repeating task loads the recurrence chunk (rrule-temporal) on first use.
    await createTask(db, clock, { id: 'r', title: 'repeat', dueDate: '2030-01-01', repeat: 'FREQ=DAILY' });
    await updateTask(db, clock, 'r', { status: 'done' });
    await db.remove();
  })();
  return warmed;
}

/** Runs one seed. Throws a `SimulationError` with the seed and the operation log on failure. */
export async function runDeterministicSimulation(
  seed: number,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  await warmUp();
  const opts = { ...DEFAULTS, ...options, faults: { ...DEFAULTS.faults, ...options.faults } };
  const random = new Prng(seed);
  const stats: Record<string, number> = {};
  const log: string[] = [];
  const count = (key: string) => (stats[key] = (stats[key] ?? 0) + 1);

  // Everything that reads time or randomness reads the seeded versions from here on.
  const clock = FakeTimers.install({
    now: EPOCH,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  const realRandom = Math.random;
  const engineRandom = new Prng((seed ^ 0x9e3779b9) >>> 0);
  Math.random = engineRandom.next;

  const note = (line: string) => log.push(`${String(Date.now() - EPOCH).padStart(7)} ${line}`);
  const network = new SimNetwork(
    new Prng((seed ^ 0x5bd1e995) >>> 0),
    opts.faults,
    opts.traceDeliveries ? note : () => {},
    stats,
  );

  const userId = 'u1';
  const store: DocumentStore = createMemoryDocumentStore();
  /** Every field stamp the server committed (R1: never lost once accepted): id -> field -> clock. */
  const accepted = new Map<string, Map<string, string>>();
  /** Every field stamp a device wrote locally. */
  const written = new Map<string, Map<string, string>>();
  const remember = (into: Map<string, Map<string, string>>, id: string, clocks: Record<string, string | undefined>) => {
    const fields = into.get(id) ?? new Map<string, string>();
    for (const [field, stamp] of Object.entries(clocks))
      if (stamp && stamp > (fields.get(field) ?? '')) fields.set(field, stamp);
    into.set(id, fields);
  };
  const applyPush = store.applyPush.bind(store);
  store.applyPush = async (scope, collection, rows, merge, pushOptions) => {
    const outcome = await applyPush(scope, collection, rows, merge, pushOptions);
    if (collection === 'tasks')
      for (const row of rows) remember(accepted, row.newDocumentState.id, row.newDocumentState.clocks);
    return outcome;
  };

  const startServer = () => {
    const fanout: Fanout = {
      kind: 'local',
      attach() {},
      publish: (owner, event, origin) => network.publish(owner, event, origin),
      async close() {},
    };
    const service = new SyncService(store, fanout);
    network.server = {
      authenticate: (auth) => (auth.token === 'token-u1' ? { userId } : { refuse: 'unauthorized' }),
      async handle(owner, event, payload, connection) {
        try {
          if (event === 'sync:pull') return await service.pull(owner, payload);
          if (event === 'sync:push') return await service.push(owner, payload, connection);
          if (event === 'sync:digest') return await service.digest(owner, payload);
          if (event === 'sync:bucket') return await service.bucket(owner, payload);
          throw new TaskmasterError('invalid-payload', `unknown event ${event}`);
        } catch (error) {
          if (error instanceof TaskmasterError) return error.toBody();
          throw error;
        }
      },
    };
  };

  const tokens: TokenSource = {
    getAccessToken: () => Promise.resolve('token-u1'),
    refresh: () => Promise.resolve('token-u1'),
  };

  /** Advances the simulation until `work` settles: messages move and time passes, both by the seed. */
  const runUntil = async <T>(work: Promise<T>, what: string, maxTicks = opts.maxTicks): Promise<T> => {
    let settled = false;
    let value: T | undefined;
    let failure: unknown;
    work.then(
      (v) => {
        settled = true;
        value = v;
      },
      (e: unknown) => {
        settled = true;
        failure = e ?? new Error('rejected');
      },
    );
    await clock.tickAsync(0);
    for (let tick = 0; !settled; tick++) {
      if (tick >= maxTicks) throw new InvariantViolation(`stuck: ${what} did not finish in ${maxTicks} ticks`);
      await tickOnce();
    }
    if (failure !== undefined) {
      if (failure instanceof InvariantViolation || failure instanceof SimulationError) throw failure;
      throw new InvariantViolation(`${what} failed: ${(failure as Error).message ?? String(failure)}`, {
        cause: failure,
      });
    }
    return value as T;
  };

  /** One scheduling step: some messages delivered (maybe none), then a little simulated time. */
  const tickOnce = async () => {
    const deliveries = random.chance(0.3) ? 0 : random.int(1, 3);
    for (let i = 0; i < deliveries; i++) {
      if (!network.step()) break;
      await clock.tickAsync(0);
    }
    // Now and then a long pause, so retry timers, ack timeouts and reconnect back-off fire.
    await clock.tickAsync(random.chance(0.005) ? random.int(100, 20_000) : 1);
  };

  const idle = async (ticks: number) => {
    for (let i = 0; i < ticks; i++) await tickOnce();
  };

  const sims: SimDevice[] = [];
  let nextTask = 0;
  /** Every repair any device made (its verify found documents differing from the server's). */
  const repairsSeen: string[] = [];

  /**
   * Waits for purely local work without moving the schedule (no deliveries, no simulated time, no
   * draws from the seed). Opening a database awaits a dynamic `import()`; under `node --import tsx`
   * (`npm run fuzz`) each one goes through the loader's thread, so it takes real time, and ticking
   * the scheduler meanwhile made a seed's run depend on the machine's load (on a loaded machine a
   * device was created 50 s of simulated time late, and the seed no longer replayed).
   */
  const settleLocally = async <T>(work: Promise<T>, what: string): Promise<T> => {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; !settled; i++) {
      if (i >= 100_000) throw new InvariantViolation(`stuck: ${what} did not finish without the schedule moving`);
      await clock.tickAsync(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return work;
  };

  const openDevice = async (name: string, dbName: string, skew: number): Promise<SimDevice> => {
    const db = await settleLocally(
      createTaskmasterDatabase({ name: dbName, storage: getRxStorageMemory(), hashFunction: syncHash }),
      `${name} open database`,
    );
    const deviceClock = new HybridLogicalClock(name, () => Date.now() + skew);
    return { name, db, dbName, clock: deviceClock, sync: null, connected: true, trash: [] };
  };

  const goOnline = (sim: SimDevice) => {
    const transport = createMemoryTransport({ endpoint: network.endpoint(sim.name), tokens, reconnectDelayMs: 1000 });
    sim.sync = startSync({
      db: sim.db,
      session: { ...tokens, user: { id: userId, email: 'sim@example.test', role: 'user' } },
      clock: sim.clock,
      transport,
      random: engineRandom.next,
      resyncIntervalMs: 30_000,
      // A repair the engine makes on its own (after a connect, on its timer) means replication
      // failed to deliver something; it must not hide that from the barrier's identity check.
      onRepair: (repair) => {
        if (repair.documents.length === 0) return;
        note(`${sim.name} repaired ${repair.collection} ${repair.documents.join(',')}`);
        repairsSeen.push(`${sim.name} ${repair.collection} ${repair.documents.join(',')}`);
      },
    });
    if (!sim.connected) void sim.sync.transport.then((t) => t.disconnect());
  };

  const goOffline = async (sim: SimDevice) => {
    const sync = sim.sync;
    sim.sync = null;
    if (sync) await runUntil(sync.stop(), `${sim.name} stop sync`);
  };

  const localDocs = async (sim: SimDevice, ids: Iterable<string>) => {
    const found = await runUntil(
      sim.db.tasks.storageInstance.findDocumentsById([...new Set(ids)], true),
      `${sim.name} read documents`,
    );
    return new Map(found.map((doc) => [doc.id, normalize(doc as unknown as Record<string, unknown>)]));
  };

  const serverDocs = async () => {
    const rows = await runUntil(store.pull(userId, 'tasks', 0, 1_000_000), 'server read documents');
    return new Map(
      rows.map((row) => [row.doc.id, { seq: row.seq, doc: normalize(row.doc as unknown as Record<string, unknown>) }]),
    );
  };

  const localWrite = async (sim: SimDevice, id: string, before: Record<string, string | undefined>) => {
    const after = await localDocs(sim, [id]);
    const clocks = after.get(id)?.clocks ?? {};
    remember(
      written,
      id,
      Object.fromEntries(Object.entries(clocks).filter(([field, stamp]) => stamp !== before[field])),
    );
  };

  const checkAccepted = async (when: string) => {
    const docs = await serverDocs();
    for (const [id, fields] of accepted) {
      const doc = docs.get(id)?.doc;
      for (const [field, stamp] of fields) {
        const stored = doc?.clocks[field as keyof Task['clocks']] ?? '';
        if (stored < stamp) throw new InvariantViolation(`[R1] ${when}: server lost accepted ${id}.${field}@${stamp}`);
      }
    }
  };

  const differences = async (participants: SimDevice[]) => {
    const docs = await serverDocs();
    const ids = new Set([...docs.keys(), ...written.keys()]);
    let diff = '';
    for (const sim of participants) {
      const local = await localDocs(sim, ids);
      for (const id of ids) {
        const mine = local.get(id);
        const theirs = docs.get(id)?.doc;
        if (!mine && !theirs) continue;
        if (stable(mine) !== stable(theirs))
          diff += `\n  ${sim.name} ${id} (server seq ${docs.get(id)?.seq ?? '-'}):\n    device: ${describeDoc(mine)}\n    server: ${describeDoc(theirs)}`;
      }
    }
    return { diff, size: docs.size };
  };

  /**
   * Every participant pulls, pushes and settles; then each must hold exactly the server's
   * documents, and its digest verify must agree (R9). A device whose checkpoint skipped a change,
   * or that applied an older state after a newer one, never converges by pulling: that fails here,
   * unless the run lets the verify repair it (then the repair is counted and identity required).
   */
  /** Resolves once the device's transport is connected (it may be in reconnect back-off). */
  const connectedNow = (sim: SimDevice) =>
    new Promise<void>((resolve) => {
      const check = () => {
        void sim.sync!.transport.then((t) => (t.connected ? resolve() : setTimeout(check, 10)));
      };
      check();
    });

  /** A verify that fails in transit (an answer held past its timeout) is tried again, as the engine would. */
  const verifyAll = async (participants: SimDevice[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await Promise.all(participants.map((s) => s.sync!.verify()))).flat();
      } catch (error) {
        note(`verify attempt ${attempt} failed: ${(error as Error).message}`);
        if (attempt >= 20) throw error;
        // The caller's runUntil keeps the simulation moving while this waits.
        await Promise.all(participants.map(connectedNow));
      }
    }
  };

  const barrier = async (participants: SimDevice[], what: string) => {
    let diff = '';
    await runUntil(Promise.all(participants.map(connectedNow)), `${what}: devices connected`);
    for (let round = 0; round < 3; round++) {
      for (const sim of participants) sim.sync!.resync();
      await runUntil(Promise.all(participants.map((s) => s.sync!.awaitInSync())), `${what}: awaitInSync`);
      await idle(50);
      const found = await differences(participants);
      diff = found.diff;
      if (!diff) break;
    }
    if (diff && opts.onDivergence === 'fail')
      throw new InvariantViolation(`[R2][R3] ${what}: devices differ from the server:${diff}`);
    // Replication alone must deliver every merge result (R1, R3): in a run without corruption a
    // repair by the digest verify means a device diverged, even when it ended identical.
    if (repairsSeen.length > 0 && opts.onDivergence === 'fail')
      throw new InvariantViolation(
        `[R3][R9] ${what}: a verify had to repair what replication never delivered: ${repairsSeen.join('; ')}`,
      );
    const outcomes = await runUntil(verifyAll(participants), `${what}: verify`);
    const repaired = outcomes.filter((o) => o === 'repaired').length;
    if (repaired > 0) {
      stats.repairs = (stats.repairs ?? 0) + repaired;
      note(`${what}: verify repaired ${repaired} collection(s)`);
      await runUntil(Promise.all(participants.map((s) => s.sync!.awaitInSync())), `${what}: awaitInSync after repair`);
      await idle(50);
    }
    const after = await differences(participants);
    if (after.diff)
      throw new InvariantViolation(`[R9] ${what}: devices differ from the server after verify:${after.diff}`);
    if (!diff && repaired > 0)
      throw new InvariantViolation(`[R9] ${what}: verify repaired identical devices (digest disagrees)`);
    note(`${what}: ${participants.map((s) => s.name).join(',')} identical to server (${after.size} docs)`);
  };

  try {
    startServer();
    for (let i = 0; i < opts.devices; i++) {
      const skew = random.int(-3000, 3000);
      const sim = await openDevice(`d${i}`, `sim-${seed}-d${i}`, skew);
      sims.push(sim);
      note(`d${i} created, clock skew ${skew} ms`);
    }
    for (const sim of sims) goOnline(sim);
    note(`seed ${seed}: ${opts.devices} devices online, ${opts.steps} steps`);

    for (let step = 0; step < opts.steps; step++) {
      const sim = random.pick(sims);
      const { db } = sim;
      const roll = random.next();
      const live = (await runUntil(db.tasks.find({ sort: [{ id: 'asc' }] }).exec(), 'query')).map(
        (d) => d.toMutableJSON() as Task,
      );
      const prefix = `#${step} ${sim.name}`;
      if (opts.repeats && live.length > 0 && random.next() < 0.3) {
        const target = random.pick(live);
        if (!target.repeat || target.status === 'done') {
          const patch: TaskPatch = { repeat: random.pick(REPEATS), dueDate: random.pick(REPEAT_DUE), status: 'todo' };
          note(`${prefix} repeat ${target.id} ${JSON.stringify(patch)}`);
          await runUntil(updateTask(db, sim.clock, target.id, patch), `${prefix} repeat`);
          await localWrite(sim, target.id, target.clocks);
          count('repeat');
        } else {
          // Several devices complete the same occurrence, each from its own copy (offline or not).
          const completers = [
            sim,
            ...random.subset(
              sims.filter((s) => s !== sim),
              0.5,
            ),
          ];
          note(
            `${prefix} complete occurrence ${target.id} ${target.dueDate} on ${completers.map((c) => c.name).join(',')}`,
          );
          const befores = await Promise.all(completers.map((c) => localDocs(c, [target.id])));
          const results = await runUntil(
            Promise.allSettled(
              completers.map(async (c, i) => {
                const current = befores[i]!.get(target.id);
                if (!current || current._deleted || current.status === 'done' || !current.repeat)
                  throw new Error('skip');
                return completeOccurrence(c.db, c.clock, target.id);
              }),
            ),
            `${prefix} complete occurrence`,
          );
          for (const [i, c] of completers.entries()) {
            const result = results[i]!;
            if (result.status !== 'fulfilled') continue;
            await localWrite(c, target.id, befores[i]!.get(target.id)?.clocks ?? {});
            if (result.value.nextId) {
              const from = befores[i]!.get(target.id);
              note(
                `${prefix} ${c.name}: next occurrence ${result.value.nextId} on ${result.value.nextDueDate} (from ${from?.dueDate} ${from?.repeat})`,
              );
              await localWrite(c, result.value.nextId, {});
            }
          }
          count('completeOccurrence');
        }
      } else if ((roll < 0.2 && live.length < opts.maxLiveTasks) || live.length === 0) {
        const id = `t${nextTask++}`;
        const patch = randomPatch(random);
        const title = patch.title ?? random.pick(TITLES);
        note(`${prefix} create ${id} ${JSON.stringify({ ...patch, title })}`);
        await runUntil(createTask(db, sim.clock, { ...patch, title, id }), `${prefix} create`);
        await localWrite(sim, id, {});
        count('create');
      } else if (roll < 0.25) {
        const target = random.pick(live).id;
        const editors = random.subset(sims, 0.7);
        const patches = editors.map(() => randomPatch(random));
        note(
          `${prefix} burst on ${target}: ${editors.map((e, i) => `${e.name} ${JSON.stringify(patches[i])}`).join('; ')}`,
        );
        const befores = await Promise.all(editors.map((e) => localDocs(e, [target])));
        const results = await runUntil(
          Promise.allSettled(
            editors.map(async (editor, i) => {
              const current = befores[i]!.get(target);
              if (!current || current._deleted) throw new Error('not live here');
              await updateTask(editor.db, editor.clock, target, patches[i]!);
            }),
          ),
          `${prefix} burst`,
        );
        for (const [i, editor] of editors.entries())
          if (results[i]!.status === 'fulfilled')
            await localWrite(editor, target, befores[i]!.get(target)?.clocks ?? {});
        count('burst');
      } else if (roll < 0.55) {
        const target = random.pick(live);
        const patch = randomPatch(random);
        note(`${prefix} edit ${target.id} ${JSON.stringify(patch)}`);
        await runUntil(updateTask(db, sim.clock, target.id, patch), `${prefix} edit`);
        await localWrite(sim, target.id, target.clocks);
        count('edit');
      } else if (roll < 0.63) {
        const target = random.pick(live);
        note(`${prefix} delete ${target.id}`);
        await runUntil(deleteTask(db, sim.clock, target.id), `${prefix} delete`);
        await localWrite(sim, target.id, target.clocks);
        sim.trash.push(target);
        count('delete');
      } else if (roll < 0.68) {
        if (sim.trash.length === 0) {
          note(`${prefix} restore: nothing in trash`);
        } else {
          const snapshot = sim.trash.splice(random.int(0, sim.trash.length - 1), 1)[0]!;
          const before = (await localDocs(sim, [snapshot.id])).get(snapshot.id)?.clocks ?? {};
          note(`${prefix} restore ${snapshot.id}`);
          await runUntil(restoreTask(db, sim.clock, snapshot), `${prefix} restore`);
          await localWrite(sim, snapshot.id, before);
          count('restore');
        }
      } else if (roll < 0.75) {
        const transport = await runUntil(sim.sync!.transport, 'transport');
        if (sim.connected) {
          sim.connected = false;
          transport.disconnect();
          note(`${prefix} disconnect`);
          count('disconnect');
        } else {
          sim.connected = true;
          transport.connect();
          note(`${prefix} reconnect`);
          count('reconnect');
        }
      } else if (roll < 0.78) {
        const dropped = network.dropDevice(sim.name, 'transport error');
        note(`${prefix} network failure${dropped ? '' : ' (was not connected)'}`);
        count('networkFailure');
      } else if (roll < 0.81) {
        note(`${prefix} reload`);
        await goOffline(sim);
        goOnline(sim);
        count('reload');
      } else if (roll < 0.86 && opts.restarts) {
        note(`#${step} server restart`);
        network.server = undefined;
        network.dropAll('transport close');
        await idle(random.int(0, 50));
        startServer();
        await checkAccepted('after restart');
        count('restart');
      } else if (roll < 0.92) {
        const participants = sims.filter((s) => s.connected);
        if (participants.length > 0) await barrier(participants, `#${step} barrier`);
        await checkAccepted(`#${step} barrier`);
        count('barrier');
      } else {
        const ticks = random.int(1, 300);
        note(`#${step} idle ${ticks} ticks`);
        await idle(ticks);
      }
      await idle(random.int(0, 20));
    }

    note('final: everyone reconnects, hints reliable');
    network.faults = { drop: 0, duplicate: 0 };
    for (const sim of sims) {
      if (!sim.connected) {
        sim.connected = true;
        (await runUntil(sim.sync!.transport, 'transport')).connect();
      }
    }
    await barrier(sims, 'final');
    await checkAccepted('final');
    const final = await serverDocs();
    for (const [id, fields] of written) {
      const doc = final.get(id)?.doc;
      if (!doc) throw new InvariantViolation(`[R1] ${id} was written on a device but never reached the server`);
      for (const [field, stamp] of fields) {
        const got = doc.clocks[field as keyof Task['clocks']] ?? '';
        if (got < stamp)
          throw new InvariantViolation(`[R1] local write ${id}.${field}@${stamp} lost (final ${got || 'none'})`);
      }
    }
    // A new device pulling from 0 gets the same documents (R2: nothing hidden behind a checkpoint).
    const fresh = await openDevice('fresh', `sim-${seed}-fresh`, 0);
    sims.push(fresh);
    goOnline(fresh);
    await barrier([fresh], 'fresh device');

    stats.docs = final.size;
    stats.tombstones = [...final.values()].filter((d) => d.doc._deleted).length;
    const hash = createHash('sha256');
    for (const line of log) hash.update(line).update('\n');
    for (const [id, entry] of [...final].sort(([a], [b]) => a.localeCompare(b)))
      hash.update(`${id}:${entry.seq}:${stable(entry.doc)}\n`);
    note(`done: ${JSON.stringify(stats)}`);
    return { seed, log, stats, hash: hash.digest('hex') };
  } catch (error) {
    throw new SimulationError(seed, log, error, opts.steps);
  } finally {
    for (const sim of sims) {
      try {
        if (sim.sync) await runUntil(sim.sync.stop(), 'stop', 10_000);
        await runUntil(sim.db.remove(), 'remove database', 10_000);
      } catch {
        // Best effort: the next seed uses other database names.
      }
    }
    Math.random = realRandom;
    clock.uninstall();
  }
}
